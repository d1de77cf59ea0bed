package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@Unit
class RecentP99Test {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RecentP99 p99 = new RecentP99(registry);

    @Test
    void isThePercentileOfTheApiRequestsSinceThePreviousCall() {
        assertThat(p99.getAsDouble()).as("no requests yet").isNaN();

        record(timer("/api/v1/listings"), 990, Duration.ofMillis(4));
        record(timer("/api/v1/listings/:listingKey"), 10, Duration.ofMillis(300));
        record(timer("/metrics"), 500, Duration.ofSeconds(2)); // not an API route
        double first = p99.getAsDouble();
        assertThat(first).isBetween(4.0, 10.0);

        assertThat(p99.getAsDouble()).as("nothing new since").isNaN();

        record(timer("/api/v1/listings"), 100, Duration.ofMillis(400));
        assertThat(p99.getAsDouble()).as("only the new, slow window counts").isBetween(400.0, 600.0);
    }

    private Timer timer(String route) {
        return Timer.builder("http.server.requests").tag("route", route).tag("method", "GET").tag("status", "200")
                .tag("outcome", "SUCCESS").publishPercentileHistogram().register(registry);
    }

    private static void record(Timer timer, int times, Duration each) {
        for (int i = 0; i < times; i++) {
            timer.record(each);
        }
    }
}
