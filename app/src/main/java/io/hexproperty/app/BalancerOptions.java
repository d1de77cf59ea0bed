package io.hexproperty.app;

import io.hexproperty.balancer.algorithms.LoadBalancer;
import io.hexproperty.balancer.gateway.GatewayConfig;
import io.hexproperty.balancer.gateway.edge.EdgeCacheConfig;
import io.hexproperty.balancer.gateway.HaproxyExport;
import io.hexproperty.balancer.gateway.PoolConfig;
import io.hexproperty.balancer.health.HealthCheck;
import io.hexproperty.balancer.health.HealthCheckConfig;
import io.hexproperty.balancer.health.OutlierConfig;
import io.hexproperty.balancer.health.SlowStartConfig;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The balancer and health settings shared by {@code cluster}, {@code gateway} and {@code cluster export}. */
final class BalancerOptions {
    @Option(names = "--balancer", defaultValue = "dynamic", paramLabel = "ALGORITHM",
            description = "round-robin, weighted, least-connections, resource, geographic, dynamic or hash "
                    + "(default: ${DEFAULT-VALUE}); switchable at runtime: PUT /admin/cluster/balancer?name=...")
    String balancer;

    @Option(names = "--hash-load-factor", defaultValue = "1.25",
            description = "hash: no worker above this x the average in-flight (default: ${DEFAULT-VALUE}).")
    double hashLoadFactor;

    @Option(names = "--geo-home-size", defaultValue = "1",
            description = "geographic: workers that hold one region (default: ${DEFAULT-VALUE}).")
    int geoHomeSize;

    @Option(names = "--geo-spill-factor", defaultValue = "2.0",
            description = "geographic: spill over when the home worker carries this x the average load (default: ${DEFAULT-VALUE}).")
    double geoSpillFactor;

    @Option(names = "--health-path", defaultValue = "/health/ready",
            description = "HTTP health check path (default: ${DEFAULT-VALUE}); empty: no HTTP check.")
    String healthPath;

    @Option(names = "--health-status", defaultValue = "200", description = "Expected status of the HTTP check (default: ${DEFAULT-VALUE}).")
    int healthStatus;

    @Option(names = "--health-body", description = "The HTTP check also requires the body to contain this text (default: none).")
    String healthBody;

    @Option(names = "--health-tcp", description = "Also check that a TCP connection opens (default: off).")
    boolean healthTcp;

    @Option(names = "--health-command", paramLabel = "CMD",
            description = "Also run this command (split on spaces; HEXPROPERTY_WORKER_URL set); healthy on exit 0 (default: none).")
    String healthCommand;

    @Option(names = "--health-interval", defaultValue = "1s", converter = DurationConverter.class,
            description = "Active check interval (default: ${DEFAULT-VALUE}).")
    Duration healthInterval;

    @Option(names = "--health-timeout", defaultValue = "1s", converter = DurationConverter.class,
            description = "Active check timeout (default: ${DEFAULT-VALUE}).")
    Duration healthTimeout;

    @Option(names = "--health-rise", defaultValue = "2", description = "Passes to bring a down worker up (default: ${DEFAULT-VALUE}).")
    int healthRise;

    @Option(names = "--health-fall", defaultValue = "2", description = "Failures to take an up worker down (default: ${DEFAULT-VALUE}).")
    int healthFall;

    @Option(names = "--eject-5xx", defaultValue = "5", description = "Consecutive 5xx that eject a worker (default: ${DEFAULT-VALUE}).")
    int eject5xx;

    @Option(names = "--eject-failures", defaultValue = "2",
            description = "Consecutive connection failures or timeouts that eject a worker (default: ${DEFAULT-VALUE}).")
    int ejectFailures;

    @Option(names = "--eject-time", defaultValue = "2s", converter = DurationConverter.class,
            description = "First ejection; doubles on each repeat (default: ${DEFAULT-VALUE}).")
    Duration ejectTime;

    @Option(names = "--eject-max-time", defaultValue = "60s", converter = DurationConverter.class,
            description = "Longest ejection (default: ${DEFAULT-VALUE}).")
    Duration ejectMaxTime;

    @Option(names = "--max-ejected-percent", defaultValue = "50",
            description = "At most this share of workers ejected at once, at least one (default: ${DEFAULT-VALUE}).")
    int maxEjectedPercent;

    @Option(names = "--panic-threshold", defaultValue = "50",
            description = "Below this share of eligible workers, route to all active ones (default: ${DEFAULT-VALUE}).")
    int panicThreshold;

    @Option(names = "--slow-start", defaultValue = "10s", converter = DurationConverter.class,
            description = "Weight ramp of a new or returning worker; 0s: off (default: ${DEFAULT-VALUE}).")
    Duration slowStart;

    @Option(names = "--request-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "Wait for a worker's response before 504 or a retry (default: ${DEFAULT-VALUE}).")
    Duration requestTimeout;

    @Option(names = "--connect-timeout", defaultValue = "1s", converter = DurationConverter.class,
            description = "TCP connect to a worker; a refused connect fails at once (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--acquire-timeout", converter = DurationConverter.class,
            description = "Wait for a pooled connection to a busy worker before 504 or a retry (default: the --request-timeout).")
    Duration acquireTimeout;

    @Option(names = "--max-connections-per-worker", defaultValue = "" + GatewayConfig.DEFAULT_MAX_CONNECTIONS_PER_WORKER,
            description = "Pooled connections to each worker, per gateway event loop; more requests wait (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerWorker;

    @Option(names = "--retry-budget", defaultValue = "0.2",
            description = "Retries allowed as a share of requests (plus 5/s) (default: ${DEFAULT-VALUE}).")
    double retryBudget;

    @Option(names = "--inject-latency", defaultValue = "0ms", converter = DurationConverter.class,
            description = "Fault injection: delay every request by this before forwarding (default: ${DEFAULT-VALUE}).")
    Duration injectLatency;

    @Option(names = "--edge-cache-mb", defaultValue = "0", paramLabel = "MB",
            description = "RFC 9111 shared cache in the gateway, bounded to this many MB; 0 = off (default: ${DEFAULT-VALUE}).")
    int edgeCacheMb;

    EdgeCacheConfig edgeCacheConfig() {
        try {
            return EdgeCacheConfig.ofMegabytes(edgeCacheMb);
        } catch (IllegalArgumentException e) {
            throw new StartupException("--edge-cache-mb: " + e.getMessage());
        }
    }

    LoadBalancer algorithm(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "geographic" -> LoadBalancer.geographic(geoHomeSize, geoSpillFactor);
            case "hash" -> LoadBalancer.hash(hashLoadFactor);
            default -> LoadBalancer.named(name);
        };
    }

    PoolConfig poolConfig() {
        return new PoolConfig(new HealthCheckConfig(healthInterval, healthTimeout, healthRise, healthFall),
                new OutlierConfig(eject5xx, ejectFailures, ejectTime, ejectMaxTime, maxEjectedPercent, panicThreshold),
                new SlowStartConfig(slowStart, 10), Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    GatewayConfig gatewayConfig(String host, int port) {
        GatewayConfig d = GatewayConfig.defaults();
        return new GatewayConfig(host, port, d.instances(), connectTimeout, acquireTimeout == null ? requestTimeout : acquireTimeout,
                requestTimeout, maxConnectionsPerWorker, retryBudget, d.minRetriesPerSecond(), injectLatency);
    }

    List<HealthCheck> checks(Vertx vertx) {
        List<HealthCheck> checks = new ArrayList<>();
        if (healthPath != null && !healthPath.isBlank()) {
            checks.add(HealthCheck.http(vertx, healthPath, healthStatus, healthBody));
        }
        if (healthTcp) {
            checks.add(HealthCheck.tcp(vertx));
        }
        if (healthCommand != null && !healthCommand.isBlank()) {
            checks.add(HealthCheck.command(vertx, Arrays.asList(healthCommand.strip().split("\\s+"))));
        }
        return checks;
    }

    HaproxyExport.Config haproxy(int frontPort) {
        return new HaproxyExport.Config(balancer, frontPort, healthPath == null || healthPath.isBlank() ? "/health/live" : healthPath,
                healthStatus, poolConfig(), gatewayConfig("0.0.0.0", frontPort), hashLoadFactor);
    }

    /** Fails fast, naming the option, before anything starts. */
    void validate() {
        try {
            algorithm(balancer);
            poolConfig();
            gatewayConfig("0.0.0.0", 0);
            edgeCacheConfig();
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage().startsWith("unknown balancer") ? "--balancer: " + e.getMessage() : e.getMessage());
        }
    }
}
