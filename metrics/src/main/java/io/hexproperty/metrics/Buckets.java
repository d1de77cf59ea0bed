package io.hexproperty.metrics;

import java.time.Duration;
import java.util.Arrays;

/**
 * Histogram bucket boundaries, chosen per metric rather than Micrometer's 69 default ones: each set
 * spans what that quantity really takes and has a boundary at the thresholds alerts and SLOs use
 * (a request SLO of 250 ms, Apdex T = 100 ms and 4T, the 2 s statement timeout), at 10-15 series each.
 */
enum Buckets {
    /** HTTP requests, external calls: 1 ms .. 10 s. */
    REQUEST(ms(1, 2.5, 5, 10, 25, 50, 100, 250, 400, 1000, 2500, 5000, 10_000)),
    /** SQL statements, pool waits: 0.25 ms .. 2 s (the statement timeout). */
    STATEMENT(ms(0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2000)),
    /** Event-loop scheduling delay: 0.5 ms .. 1 s. */
    LOOP(ms(0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000)),
    /** Change-feed lag, batch flushes: 5 ms .. 30 s. */
    PROPAGATION(ms(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000)),
    /** Age of served cache values: 1 s .. 1 h. */
    AGE(ms(1000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000)),
    /** Connection lifetimes and maintenance actions: 10 ms .. 30 min. */
    LONG(ms(10, 100, 1000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000));

    private final Duration[] bounds;

    Buckets(Duration[] bounds) {
        this.bounds = bounds;
    }

    Duration[] bounds() {
        return bounds.clone();
    }

    /** The boundaries in the base unit of a timer's distribution config (nanoseconds). */
    double[] nanos() {
        return Arrays.stream(bounds).mapToDouble(Duration::toNanos).toArray();
    }

    private static Duration[] ms(double... millis) {
        return Arrays.stream(millis).mapToObj(m -> Duration.ofNanos(Math.round(m * 1_000_000))).toArray(Duration[]::new);
    }
}
