package io.hexproperty.balancer.health;

import java.time.Duration;

/**
 * Timing of an active health check: probe every {@code interval}, a probe slower than {@code timeout} fails,
 * {@code rise} consecutive passes bring a down worker up, {@code fall} consecutive failures take an up
 * worker down. A new worker is up after its first pass (it is also on slow start, so it is not flooded).
 */
public record HealthCheckConfig(Duration interval, Duration timeout, int rise, int fall) {
    public HealthCheckConfig {
        if (interval == null || interval.toMillis() < 1) {
            throw new IllegalArgumentException("health interval must be at least 1ms, was " + interval);
        }
        if (timeout == null || timeout.toMillis() < 1) {
            throw new IllegalArgumentException("health timeout must be at least 1ms, was " + timeout);
        }
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("health rise and fall must be >= 1, were " + rise + " and " + fall);
        }
    }

    public static HealthCheckConfig defaults() {
        return new HealthCheckConfig(Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 2);
    }
}
