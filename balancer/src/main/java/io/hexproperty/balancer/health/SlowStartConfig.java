package io.hexproperty.balancer.health;

import java.time.Duration;

/**
 * Slow start: a new or returning worker's weight ramps linearly from {@code minWeightPercent} to full over
 * {@code window} (its JIT and L1 are cold). {@code window} zero turns it off.
 */
public record SlowStartConfig(Duration window, int minWeightPercent) {
    public SlowStartConfig {
        if (window == null || window.isNegative()) {
            throw new IllegalArgumentException("slow-start window must be >= 0, was " + window);
        }
        if (minWeightPercent < 1 || minWeightPercent > 100) {
            throw new IllegalArgumentException("slow-start minWeightPercent must be in 1..100, was " + minWeightPercent);
        }
    }

    public static SlowStartConfig defaults() {
        return new SlowStartConfig(Duration.ofSeconds(10), 10);
    }

    /** The weight factor in [min, 1] after {@code sinceNanos} in service; negative means "not ramping". */
    public double factor(long sinceNanos) {
        if (sinceNanos < 0 || window.isZero()) {
            return 1;
        }
        double f = (double) sinceNanos / window.toNanos();
        return Math.max(minWeightPercent / 100.0, Math.min(1, f));
    }
}
