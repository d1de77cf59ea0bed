package io.hexproperty.balancer.health;

import java.time.Duration;

/**
 * Passive outlier detection (in the manner of Envoy's): a worker is ejected after
 * {@code consecutive5xx} 5xx answers or {@code consecutiveLocalFailures} connection failures or timeouts
 * in a row, for {@code baseEjection x 2^(ejections - 1)} capped at {@code maxEjection}; at most
 * {@code maxEjectedPercent} of the workers (at least one) are ejected at once. When fewer than
 * {@code panicThresholdPercent} of the active workers are eligible, the gateway ignores health and
 * ejections and spreads over all of them (better some errors than a stampede on the last survivor).
 */
public record OutlierConfig(int consecutive5xx, int consecutiveLocalFailures, Duration baseEjection,
                            Duration maxEjection, int maxEjectedPercent, int panicThresholdPercent) {
    public OutlierConfig {
        if (consecutive5xx < 1 || consecutiveLocalFailures < 1) {
            throw new IllegalArgumentException("outlier thresholds must be >= 1, were " + consecutive5xx + " and " + consecutiveLocalFailures);
        }
        if (baseEjection.isNegative() || baseEjection.isZero() || maxEjection.compareTo(baseEjection) < 0) {
            throw new IllegalArgumentException("need 0 < baseEjection <= maxEjection, were " + baseEjection + " and " + maxEjection);
        }
        if (maxEjectedPercent < 0 || maxEjectedPercent > 100 || panicThresholdPercent < 0 || panicThresholdPercent > 100) {
            throw new IllegalArgumentException("percentages must be in 0..100, were " + maxEjectedPercent + " and " + panicThresholdPercent);
        }
    }

    public static OutlierConfig defaults() {
        return new OutlierConfig(5, 2, Duration.ofSeconds(2), Duration.ofSeconds(60), 50, 50);
    }
}
