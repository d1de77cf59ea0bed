package io.hexproperty.balancer.gateway;

import io.hexproperty.balancer.health.HealthCheckConfig;
import io.hexproperty.balancer.health.OutlierConfig;
import io.hexproperty.balancer.health.SlowStartConfig;
import java.time.Duration;

/**
 * Everything the worker pool decides with: active health timing, passive outlier detection, slow start,
 * how often worker agents are polled for resource reports, and the peak-EWMA decay.
 */
public record PoolConfig(HealthCheckConfig health, OutlierConfig outlier, SlowStartConfig slowStart,
                         Duration agentInterval, Duration latencyDecay) {
    public PoolConfig {
        if (agentInterval == null || agentInterval.toMillis() < 1) {
            throw new IllegalArgumentException("agent interval must be at least 1ms, was " + agentInterval);
        }
        if (latencyDecay == null || latencyDecay.toMillis() < 1) {
            throw new IllegalArgumentException("latency decay must be at least 1ms, was " + latencyDecay);
        }
    }

    public static PoolConfig defaults() {
        return new PoolConfig(HealthCheckConfig.defaults(), OutlierConfig.defaults(), SlowStartConfig.defaults(),
                Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    public PoolConfig withHealth(HealthCheckConfig h) {
        return new PoolConfig(h, outlier, slowStart, agentInterval, latencyDecay);
    }

    public PoolConfig withOutlier(OutlierConfig o) {
        return new PoolConfig(health, o, slowStart, agentInterval, latencyDecay);
    }

    public PoolConfig withSlowStart(SlowStartConfig s) {
        return new PoolConfig(health, outlier, s, agentInterval, latencyDecay);
    }
}
