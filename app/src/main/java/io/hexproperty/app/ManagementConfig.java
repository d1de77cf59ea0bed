package io.hexproperty.app;

/**
 * Where the management port listens ({@code /metrics}, {@code /admin/*}, {@code /dashboard}) and the
 * settings of the metrics it serves (Apdex T, prices, alert webhook, the share of browser sessions
 * whose RUM beacons are recorded). It is
 * on loopback by default, so the admin surface and the metrics are never exposed where the API is;
 * a Prometheus on another machine needs {@code --management-host} set to a private address.
 * {@code clusterAdmin}, set by {@code cluster} for its workers, is the gateway's {@code /admin/cluster}:
 * the worker's dashboard shows the cluster's workers and autoscaler decisions from it ({@link ClusterPanel}).
 */
record ManagementConfig(String host, int port, io.hexproperty.metrics.MetricsConfig metrics, double rumSample,
                        java.net.URI clusterAdmin) {
    static final int DEFAULT_PORT = 8081;

    ManagementConfig {
        metrics = metrics == null ? io.hexproperty.metrics.MetricsConfig.defaults() : metrics;
        if (!(rumSample >= 0 && rumSample <= 1)) {
            throw new IllegalArgumentException("--rum-sample must be between 0 and 1, got " + rumSample);
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("--management-host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--management-port must be between 0 and 65535, got " + port);
        }
        if (clusterAdmin != null && !("http".equals(clusterAdmin.getScheme()) && clusterAdmin.getHost() != null)) {
            throw new IllegalArgumentException("--cluster-admin must be an http:// URL with a host, got " + clusterAdmin);
        }
    }

    ManagementConfig(String host, int port, io.hexproperty.metrics.MetricsConfig metrics, double rumSample) {
        this(host, port, metrics, rumSample, null);
    }

    static ManagementConfig defaults() {
        return new ManagementConfig("127.0.0.1", DEFAULT_PORT, null, 1.0);
    }

    /** On loopback, on any free port (tests, and {@code --port 0}). */
    static ManagementConfig anyFreePort() {
        return new ManagementConfig("127.0.0.1", 0, null, 1.0);
    }
}
