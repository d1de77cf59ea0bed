package io.hexproperty.loadtest.engine;

import java.time.Duration;

/**
 * How the generator itself behaves. Defaults in {@link #defaults()}.
 *
 * @param connections   keep-alive connections in the pool (HTTP/1.1)
 * @param maxInFlight   starts beyond this many outstanding requests are dropped and counted
 * @param timeout       a request with no progress for this long fails (counted as an error)
 * @param lateTolerance a start issued later than this after its intended time counts as late
 * @param eventLoops    Vert.x event loops for the client
 * @param seed          seed of the workload's random choices
 */
public record EngineConfig(int connections, int maxInFlight, Duration timeout, Duration lateTolerance,
                                                          int eventLoops, long seed) {

    public EngineConfig {
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be >= 1, was " + connections);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("max in flight must be >= 1, was " + maxInFlight);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (lateTolerance == null || lateTolerance.isNegative()) {
            throw new IllegalArgumentException("late tolerance must be >= 0, was " + lateTolerance);
        }
        if (eventLoops < 1) {
            throw new IllegalArgumentException("event loops must be >= 1, was " + eventLoops);
        }
    }

    public static EngineConfig defaults() {
        return new EngineConfig(64, 10_000, Duration.ofSeconds(10), Duration.ofMillis(10), 1, 42);
    }

    public EngineConfig withConnections(int n) {
        return new EngineConfig(n, maxInFlight, timeout, lateTolerance, eventLoops, seed);
    }

    public EngineConfig withTimeout(Duration t) {
        return new EngineConfig(connections, maxInFlight, t, lateTolerance, eventLoops, seed);
    }
}
