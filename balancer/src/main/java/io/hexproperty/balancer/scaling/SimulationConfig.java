package io.hexproperty.balancer.scaling;

import java.time.Duration;

/**
 * The simulated cluster: each worker serves {@code capacityRps} at most (an M/M/1-like server for latency),
 * takes {@code startup} from start to traffic, and requests above capacity queue (a shared backlog served
 * first-come). A second violates the SLO when its modelled p99 exceeds {@code slo}. {@code warmPool}
 * standbys (ADR 0023) are kept started and out of rotation; a scale-out admits them with no start-up.
 */
public record SimulationConfig(double capacityRps, Duration startup, Duration slo, int initialWorkers, int warmPool) {
    public SimulationConfig(double capacityRps, Duration startup, Duration slo, int initialWorkers) {
        this(capacityRps, startup, slo, initialWorkers, 0);
    }

    public SimulationConfig {
        if (warmPool < 0) {
            throw new IllegalArgumentException("--warm-pool: must be >= 0, was " + warmPool);
        }
        if (!(capacityRps > 0)) {
            throw new IllegalArgumentException("--capacity-rps: must be > 0, was " + capacityRps);
        }
        if (startup == null || startup.isNegative()) {
            throw new IllegalArgumentException("--startup: must be >= 0, was " + startup);
        }
        if (slo == null || slo.isZero() || slo.isNegative()) {
            throw new IllegalArgumentException("--slo: must be > 0, was " + slo);
        }
        if (initialWorkers < 1) {
            throw new IllegalArgumentException("initial workers must be >= 1, was " + initialWorkers);
        }
    }

    /** 100 rps per worker, 15 s start-up (a worker JVM plus warm-up), p99 SLO 250 ms, 2 workers at the start. */
    public static SimulationConfig defaults() {
        return new SimulationConfig(100, Duration.ofSeconds(15), Duration.ofMillis(250), 2);
    }

    public SimulationConfig withWarmPool(int standbys) {
        return new SimulationConfig(capacityRps, startup, slo, initialWorkers, standbys);
    }
}
