package io.hexproperty.balancer.scaling;

import java.time.Duration;

/**
 * Holt-Winters (additive, daily season) on the arrival rate, bucketed: {@code season} split in
 * {@code buckets}; alpha/beta/gamma smooth level, trend and season.
 */
public record ForecastConfig(boolean enabled, Duration season, int buckets, double alpha, double beta, double gamma) {
    public ForecastConfig {
        if (season == null || season.toSeconds() < 2) {
            throw new IllegalArgumentException("forecast season must be >= 2 s, was " + season);
        }
        if (buckets < 2 || season.toMillis() / buckets < 1000) {
            throw new IllegalArgumentException("forecast buckets must be >= 2 and at least 1 s wide, was " + buckets + " over " + season);
        }
        for (double v : new double[] {alpha, beta, gamma}) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("smoothing factors must be in [0, 1], got " + v);
            }
        }
    }

    /** A daily season in 288 five-minute buckets. */
    public static ForecastConfig daily() {
        return new ForecastConfig(true, Duration.ofDays(1), 288, 0.5, 0.1, 0.3);
    }

    public static ForecastConfig none() {
        return new ForecastConfig(false, Duration.ofDays(1), 288, 0.5, 0.1, 0.3);
    }

    public ForecastConfig withSeason(Duration s, int b) {
        return new ForecastConfig(enabled, s, b, alpha, beta, gamma);
    }
}
