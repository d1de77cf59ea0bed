package io.hexproperty.database.ops.maintenance;

import java.time.Duration;
import java.util.Objects;

/**
 * How the {@link MaintenanceScheduler} runs.
 *
 * @param thresholds when an action is due
 * @param interval   time between checks (each check runs at most one action)
 * @param sloP99     no action starts while the supplied p99 latency is above this
 */
public record MaintenanceConfig(MaintenanceThresholds thresholds, Duration interval, Duration sloP99) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    public static final Duration DEFAULT_SLO_P99 = Duration.ofMillis(250);

    public MaintenanceConfig {
        Objects.requireNonNull(thresholds, "thresholds");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(sloP99, "sloP99");
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("interval must be at least 1 s, got " + interval);
        }
        if (sloP99.isNegative() || sloP99.isZero()) {
            throw new IllegalArgumentException("sloP99 must be positive, got " + sloP99);
        }
    }

    /** Default thresholds, a check a minute, p99 SLO 250 ms. */
    public static MaintenanceConfig defaults() {
        return new MaintenanceConfig(MaintenanceThresholds.defaults(), DEFAULT_INTERVAL, DEFAULT_SLO_P99);
    }
}
