package io.hexproperty.balancer.gateway;

import java.time.Duration;

/**
 * The data plane's settings.
 *
 * <ul>
 *   <li>{@code connectTimeout}: the TCP connect to a worker (a refused connect fails at once whatever it is).</li>
 *   <li>{@code acquireTimeout}: how long a request may wait in the gateway for one of the
 *       {@code maxConnectionsPerWorker} pooled connections of its event loop. Waiting for a connection is
 *       queueing in front of a busy worker, like the worker's own queue, so by default it is as long as
 *       {@code requestTimeout}: a fixed 1 s here failed 4% of a spike's requests that the worker would
 *       have answered (docs/benchmarks/autoscaling.md). It never counts against the worker in outlier
 *       detection: a full pool is the gateway's queue, not a sick worker.</li>
 *   <li>{@code requestTimeout}: the wait for a worker's first byte (a stopped worker counts as a timeout).</li>
 * </ul>
 * Idempotent requests without a body are retried once on another worker after a connection failure or
 * timeout, while the retry budget ({@code retryRatio} of the requests, plus {@code minRetriesPerSecond})
 * lasts. {@code injectedLatency} delays every request before it is forwarded: fault injection for benchmarks
 * and drills (a gateway in front of one worker makes that worker "slow").
 */
public record GatewayConfig(String host, int port, int instances, Duration connectTimeout, Duration acquireTimeout,
                            Duration requestTimeout, int maxConnectionsPerWorker, double retryRatio,
                            double minRetriesPerSecond, Duration injectedLatency) {
    /** Per event loop: 128 x 2 loops covered every run here (the overhead run needs 32, the spike's backlog waits). */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_WORKER = 128;

    public GatewayConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("gateway port must be in 0..65535, was " + port);
        }
        if (instances < 1) {
            throw new IllegalArgumentException("gateway instances must be >= 1, was " + instances);
        }
        if (connectTimeout == null || acquireTimeout == null || requestTimeout == null
                || connectTimeout.toMillis() < 1 || acquireTimeout.toMillis() < 1 || requestTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("gateway timeouts (connect, acquire, request) must be at least 1ms, were "
                    + connectTimeout + ", " + acquireTimeout + ", " + requestTimeout);
        }
        if (maxConnectionsPerWorker < 1) {
            throw new IllegalArgumentException("max connections per worker must be >= 1, was " + maxConnectionsPerWorker);
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
                Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(10), DEFAULT_MAX_CONNECTIONS_PER_WORKER,
                0.2, 5, Duration.ZERO);
    }

    public GatewayConfig withPort(int p) {
        return new GatewayConfig(host, p, instances, connectTimeout, acquireTimeout, requestTimeout, maxConnectionsPerWorker, retryRatio, minRetriesPerSecond, injectedLatency);
    }

    public GatewayConfig withHost(String h) {
        return new GatewayConfig(h, port, instances, connectTimeout, acquireTimeout, requestTimeout, maxConnectionsPerWorker, retryRatio, minRetriesPerSecond, injectedLatency);
    }

    /** Sets the request timeout; the acquire timeout follows it when it was equal to the old one (the default). */
    public GatewayConfig withRequestTimeout(Duration d) {
        Duration acquire = acquireTimeout.equals(requestTimeout) ? d : acquireTimeout;
        return new GatewayConfig(host, port, instances, connectTimeout, acquire, d, maxConnectionsPerWorker, retryRatio, minRetriesPerSecond, injectedLatency);
    }

    public GatewayConfig withConnectTimeout(Duration d) {
        return new GatewayConfig(host, port, instances, d, acquireTimeout, requestTimeout, maxConnectionsPerWorker, retryRatio, minRetriesPerSecond, injectedLatency);
    }

    public GatewayConfig withAcquireTimeout(Duration d) {
        return new GatewayConfig(host, port, instances, connectTimeout, d, requestTimeout, maxConnectionsPerWorker, retryRatio, minRetriesPerSecond, injectedLatency);
    }

    public GatewayConfig withMaxConnectionsPerWorker(int n) {
        return new GatewayConfig(host, port, instances, connectTimeout, acquireTimeout, requestTimeout, n, retryRatio, minRetriesPerSecond, injectedLatency);
    }

    public GatewayConfig withInjectedLatency(Duration d) {
        return new GatewayConfig(host, port, instances, connectTimeout, acquireTimeout, requestTimeout, maxConnectionsPerWorker, retryRatio, minRetriesPerSecond, d);
    }

    public GatewayConfig withInstances(int n) {
        return new GatewayConfig(host, port, n, connectTimeout, acquireTimeout, requestTimeout, maxConnectionsPerWorker, retryRatio, minRetriesPerSecond, injectedLatency);
    }
}
