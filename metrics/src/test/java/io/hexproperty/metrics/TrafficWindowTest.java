package io.hexproperty.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TrafficWindowTest {
    private final MetricsRegistry metrics = new MetricsRegistry("test");
    private final MeterRegistry registry = metrics.registry();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicLong cpuMillis = new AtomicLong();
    private final MetricsConfig config = MetricsConfig.defaults().withPrices(3.6, 36).withWindow(Duration.ofSeconds(60), Duration.ofSeconds(5));
    private final TrafficWindow.CostMeter cost = new TrafficWindow.CostMeter(registry, config,
            () -> cpuMillis.get() / 1000.0, () -> 1e9);
    private final TrafficWindow window = new TrafficWindow(registry, config, cost, nanos::get);

    private Timer timer(String route, int status) {
        return Timer.builder("http.server.requests").tag("method", "GET").tag("route", route)
                .tag("status", Integer.toString(status)).tag("outcome", status >= 500 ? "SERVER_ERROR" : "SUCCESS")
                .register(registry);
    }

    @Test
    void apdexErrorRatioAndPercentilesOverTheWindow() {
        window.sample();
        // 6 satisfied (<= 100 ms), 2 tolerating (<= 400 ms), 1 frustrated (2 s), 1 server error (fast)
        for (int i = 0; i < 6; i++) {
            timer("/a", 200).record(Duration.ofMillis(20));
        }
        timer("/a", 200).record(Duration.ofMillis(300));
        timer("/a", 200).record(Duration.ofMillis(350));
        timer("/a", 200).record(Duration.ofSeconds(2));
        timer("/a", 503).record(Duration.ofMillis(1));
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        cpuMillis.addAndGet(1000); // one CPU-second: $0.001 at $3.6 per hour
        window.sample();

        TrafficWindow.Figures f = window.figures();
        TrafficWindow.RouteFigures a = f.routes().stream().filter(r -> r.route().equals("/a")).findFirst().orElseThrow();
        assertThat(a.requests()).isEqualTo(10);
        assertThat(a.rate()).isCloseTo(1.0, within(1e-9));
        assertThat(a.errorRatio()).isCloseTo(0.1, within(1e-9));
        assertThat(a.apdex()).isCloseTo((6 + 2 / 2.0) / 10, within(1e-9));
        assertThat(a.p50()).isBetween(0.01, 0.025);
        assertThat(a.p99()).isBetween(1.0, 2.5);
        assertThat(f.all().requests()).isEqualTo(10);
        // cost: 1 CPU-second ($0.001) + 1 GB for 10 s at $36 per GB-hour ($0.1), per 1,000 requests of 10
        assertThat(f.costPerThousand()).isCloseTo((0.001 + 0.1) / 10 * 1000, within(1e-6));
        assertThat(metrics.scrape()).contains("http_server_apdex{application=\"test\",route=\"/a\"} 0.7");
    }

    @Test
    void requestsOlderThanTheWindowLeaveIt() {
        window.sample();
        timer("/b", 200).record(Duration.ofMillis(5));
        for (int i = 0; i < 14; i++) {
            nanos.addAndGet(Duration.ofSeconds(5).toNanos());
            window.sample();
        }
        TrafficWindow.RouteFigures b = window.figures().routes().stream().filter(r -> r.route().equals("/b"))
                .findFirst().orElseThrow();
        assertThat(b.requests()).isZero();
        assertThat(b.apdex()).isNaN();
    }

    @Test
    void managementRoutesAreNotUserTraffic() {
        window.sample();
        timer("/metrics", 200).record(Duration.ofSeconds(3));
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        window.sample();
        assertThat(window.figures().all().requests()).isZero();
    }

    @Test
    void quantilesInterpolateInsideBuckets() {
        TreeMap<Double, Long> cumulative = new TreeMap<>();
        cumulative.put(0.1, 50L);
        cumulative.put(0.2, 100L);
        assertThat(TrafficWindow.quantile(cumulative, 100, 0.5)).isCloseTo(0.1, within(1e-9));
        assertThat(TrafficWindow.quantile(cumulative, 100, 0.75)).isCloseTo(0.15, within(1e-9));
    }
}
