package io.hexproperty.balancer.gateway;

import java.time.Duration;

/**
 * The data plane's settings. {@code requestTimeout} bounds the wait for a worker's first byte (a stopped
 * worker counts as a timeout); idempotent requests without a body are retried once on another worker after
 * a connection failure or timeout, while the retry budget ({@code retryRatio} of the requests, plus
 * {@code minRetriesPerSecond}) lasts. {@code injectedLatency} delays every request before it is forwarded:
 * fault injection for benchmarks and drills (a gateway in front of one worker makes that worker "slow").
 */
public record GatewayConfig(String host, int port, int instances, Duration connectTimeout, Duration requestTimeout,
                            int maxConnectionsPerWorker, double retryRatio, double minRetriesPerSecond, Duration injectedLatency) {
    public GatewayConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("gateway port must be in 0..65535, was " + port);
        }
        if (instances < 1) {
            throw new IllegalArgumentException("gateway instances must be >= 1, was " + instances);
        }
        if (connectTimeout.toMillis() < 1 || requestTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("gateway timeouts must be at least 1ms, were " + connectTimeout + ", " + requestTimeout);
        }
        if (maxConnectionsPerWorker < 1) {
            throw new IllegalArgumentException("maxConnectionsPerWorker must be >= 1, was " + maxConnectionsPerWorker);
        }
        if (injectedLatency == null || injectedLatency.isNegative()) {
            throw new IllegalArgumentException("injected latency must be >= 0, was " + injectedLatency);
        }
        if (!(retryRatio >= 0 && retryRatio <= 1) || !(minRetriesPerSecond >= 0)) {
            throw new IllegalArgumentException("retry ratio must be in [0, 1] and min retries >= 0, were " + retryRatio + ", " + minRetriesPerSecond);
        }
    }

    public static GatewayConfig defaults() {
        return new GatewayConfig("0.0.0.0", 8080, Math.max(1, Runtime.getRuntime().availableProcessors()),
                Duration.ofSeconds(1), Duration.ofSeconds(10), 128, 0.2, 5, Duration.ZERO);
    }

    public GatewayConfig withPort(int p) {
        return new GatewayConfig(host, p, instances, connectTimeout, requestTimeout, maxConnectionsPerWorker, retryRatio, minRetriesPerSecond, injectedLatency);
    }

    public GatewayConfig withHost(String h) {
        return new GatewayConfig(h, port, instances, connectTimeout, requestTimeout, maxConnectionsPerWorker, retryRatio, minRetriesPerSecond, injectedLatency);
    }

    public GatewayConfig withRequestTimeout(Duration d) {
        return new GatewayConfig(host, port, instances, connectTimeout, d, maxConnectionsPerWorker, retryRatio, minRetriesPerSecond, injectedLatency);
    }

    public GatewayConfig withInjectedLatency(Duration d) {
        return new GatewayConfig(host, port, instances, connectTimeout, requestTimeout, maxConnectionsPerWorker, retryRatio, minRetriesPerSecond, d);
    }

    public GatewayConfig withInstances(int n) {
        return new GatewayConfig(host, port, n, connectTimeout, requestTimeout, maxConnectionsPerWorker, retryRatio, minRetriesPerSecond, injectedLatency);
    }
}
