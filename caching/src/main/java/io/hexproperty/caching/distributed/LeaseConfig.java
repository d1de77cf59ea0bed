package io.hexproperty.caching.distributed;

import java.time.Duration;

/**
 * How a leased read-through waits for another node's load. Defaults: leaseTtl 5 s (longer than a normal
 * load; a dead holder blocks nobody for longer), pollInterval 20 ms, pollAttempts 25 (waiters load
 * themselves after ~0.5 s).
 */
public record LeaseConfig(Duration leaseTtl, Duration pollInterval, int pollAttempts) {
    public LeaseConfig {
        if (leaseTtl == null || leaseTtl.isNegative() || leaseTtl.isZero()) {
            throw new IllegalArgumentException("leaseTtl must be positive, was " + leaseTtl);
        }
        if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
        }
        if (pollAttempts < 0) {
            throw new IllegalArgumentException("pollAttempts must be >= 0, was " + pollAttempts);
        }
    }

    public static LeaseConfig defaults() {
        return new LeaseConfig(Duration.ofSeconds(5), Duration.ofMillis(20), 25);
    }
}
