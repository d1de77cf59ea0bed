package io.hexproperty.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hexproperty serve}: the whole platform in one JVM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Runs the API and web page on --port and metrics, admin and dashboard on the loopback "
                + "--management-port, on the embedded PostgreSQL "
                + "(data under --data-dir, seeded on first start) or on --db-url. Ctrl-C stops it cleanly.")
final class ServeCommand implements Callable<Integer> {
    static final int CORES = Runtime.getRuntime().availableProcessors();

    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @Mixin
    ReplicaOptions replicas = new ReplicaOptions();

    @Option(names = "--port", defaultValue = "${env:HEXPROPERTY_PORT:-8080}",
            description = "HTTP port (default: ${DEFAULT-VALUE}; 0 picks a free one). Env: HEXPROPERTY_PORT.")
    int port;

    @Option(names = "--host", defaultValue = "${env:HEXPROPERTY_HOST:-0.0.0.0}",
            description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--management-port", defaultValue = "${env:HEXPROPERTY_MANAGEMENT_PORT:-8081}",
            description = "Port of /metrics, /admin/* and /dashboard (default: ${DEFAULT-VALUE}; 0 picks a free one). "
                    + "Env: HEXPROPERTY_MANAGEMENT_PORT.")
    int managementPort;

    @Option(names = "--management-host", defaultValue = "${env:HEXPROPERTY_MANAGEMENT_HOST:-127.0.0.1}",
            description = "Address of the management port (default: ${DEFAULT-VALUE}: this machine only). "
                    + "Env: HEXPROPERTY_MANAGEMENT_HOST.")
    String managementHost;

    @Option(names = "--cluster-admin", paramLabel = "URL",
            description = "Set by `cluster` for its workers: the gateway's /admin/cluster URL, read with the admin token "
                    + "so this worker's /dashboard shows the cluster's workers and autoscaler decisions (default: none).")
    java.net.URI clusterAdmin;

    @Option(names = "--apdex-t", defaultValue = "100ms", converter = DurationConverter.class,
            description = "Apdex target time T: a request is satisfied within T, tolerating within 4T (default: ${DEFAULT-VALUE}).")
    Duration apdexT;

    @Option(names = "--price-cpu-hour", defaultValue = "0.034",
            description = "Price of one vCPU-hour in USD, for the cost metrics (default: ${DEFAULT-VALUE}).")
    double priceCpuHour;

    @Option(names = "--price-gb-hour", defaultValue = "0.0045",
            description = "Price of one GB-hour of memory in USD, for the cost metrics (default: ${DEFAULT-VALUE}).")
    double priceGbHour;

    @Option(names = "--alert-webhook", paramLabel = "URL", defaultValue = "${env:HEXPROPERTY_ALERT_WEBHOOK}",
            description = "POST alert notifications here (Alertmanager webhook JSON) besides the log. Default: none. "
                    + "Env: HEXPROPERTY_ALERT_WEBHOOK.")
    java.net.URI alertWebhook;

    @Option(names = "--rum-sample", defaultValue = "1.0",
            description = "Share of browser sessions whose RUM beacons are recorded, 0..1 (default: ${DEFAULT-VALUE}).")
    double rumSample;

    @Option(names = "--listings", defaultValue = "100000",
            description = "Listings generated on first start (default: ${DEFAULT-VALUE}).")
    int listings;

    @Option(names = "--seed", defaultValue = "42",
            description = "Random seed of the generated data (default: ${DEFAULT-VALUE}); same seed, same listings.")
    long seed;

    @Option(names = "--no-seed", description = "Do not generate listings on first start.")
    boolean noSeed;

    @Option(names = "--event-loops", description = "Event-loop threads and HTTP server instances (default: 2 x cores).")
    Integer eventLoops;

    @Option(names = "--pool-size", description = "PostgreSQL connections (default: 4 x cores, at least 8).")
    Integer poolSize;

    @Option(names = "--drain-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long a stop waits for in-flight requests (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--admin-token", defaultValue = "${env:HEXPROPERTY_ADMIN_TOKEN}",
            description = "Token of the /admin endpoints (at least 16 characters). Default: generated once and kept in "
                    + "var/admin-token. Env: HEXPROPERTY_ADMIN_TOKEN.")
    String adminToken;

    @Option(names = "--no-cache", description = "Serve every request from the database (benchmarks of the cache-off path).")
    boolean noCache;

    @Option(names = "--redis-url", paramLabel = "URL", defaultValue = "${env:HEXPROPERTY_REDIS_URL}",
            description = "Redis for the shared L2 cache tier (redis://host:6379; a comma-separated list means Redis "
                    + "Cluster). Default: none (L1 only). Env: HEXPROPERTY_REDIS_URL.")
    String redisUrl;

    // --- caching: CDN purge ---
    @Option(names = "--purge-url", paramLabel = "URL",
            description = "Varnish (deploy/varnish/hexproperty.vcl) to ban by surrogate key on every change; repeatable.")
    java.util.List<java.net.URI> purgeUrls = new java.util.ArrayList<>();
    // --- end caching ---

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${env:HEXPROPERTY_STATE_DIR}",
            description = "This node's own state (warm-start snapshot, view journal), locked while it runs"
                    + " (default: <data-dir parent>/state/<data-dir name>-<port>). Env: HEXPROPERTY_STATE_DIR.")
    Path stateDir;

    @Option(names = "--shards", defaultValue = "${env:HEXPROPERTY_SHARDS:-1}",
            description = "Spread listings by state over this many PostgreSQL servers: embedded ones under "
                    + "<data-dir>/shard-<i>, or the comma-separated --db-url list in shard order "
                    + "(default: ${DEFAULT-VALUE}, unsharded). Env: HEXPROPERTY_SHARDS.")
    int shards;

    @Option(names = "--bench-routes",
            description = "Also serve GET /bench/static, a listing-sized body from memory: the HTTP ceiling that "
                    + "bench/http-ceiling.sh compares the API against. Off by default.")
    boolean benchRoutes;

    @Option(names = "--capacity-rps", defaultValue = "0",
            description = "Emulated capacity for autoscaling tests on one machine: at most this many API requests per second "
                    + "are admitted, the rest queue (up to 30 s, then 503). It is an emulation, not a real limit of the "
                    + "server (default: ${DEFAULT-VALUE}, off).")
    double capacityRps;

    // --- issue 9 (secdata): server key, statement timeout, retention (SecurityConfig) ---
    @Option(names = "--server-key-file", paramLabel = "FILE", defaultValue = "${env:HEXPROPERTY_SERVER_KEY_FILE}",
            description = "HMAC key signing search cursors and consistency tokens; generated (0600) when missing. Every node "
                    + "of a deployment must use the same file (default: <data-dir parent>/server-key). Env: HEXPROPERTY_SERVER_KEY_FILE.")
    Path serverKeyFile;

    @Option(names = "--statement-timeout", defaultValue = "2s", converter = DurationConverter.class,
            description = "PostgreSQL statement_timeout of the API's queries; a cancelled query answers 503 + Retry-After "
                    + "(default: ${DEFAULT-VALUE}; 0s = none).")
    Duration statementTimeout;

    @Option(names = "--retention", defaultValue = "7d", converter = DurationConverter.class,
            description = "Keep the change outbox and applied view-batch ids this long; pruned hourly, never past what the "
                    + "change feed still needs (default: ${DEFAULT-VALUE}).")
    Duration retention;
    // --- end issue 9 ---

    // --- input protection (issue 9) ---
    @Option(names = "--search-cache-mb", defaultValue = "64",
            description = "Byte budget of the search-page cache in MiB (identity, gzip and Brotli bytes of every cached page; default: ${DEFAULT-VALUE}).")
    long searchCacheMb;

    @Option(names = "--header-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "A connection must deliver a complete request header within this time, else it is closed "
                    + "(slowloris; a keep-alive connection may idle 6-12 times this after its first request; default: ${DEFAULT-VALUE}).")
    Duration headerTimeout;

    @Option(names = "--max-connections", defaultValue = "10000",
            description = "Open connections on the public port, all clients together (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-connections-per-client", defaultValue = "1024",
            description = "Open connections on the public port from one IP address (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerClient;

    @Option(names = "--inquiry-limit-client", defaultValue = "10/1h",
            description = "Inquiries one client address may send: burst/period, refilled evenly (default: ${DEFAULT-VALUE}).")
    String inquiryLimitClient;

    @Option(names = "--inquiry-limit-listing", defaultValue = "30/1h",
            description = "Inquiries one listing may receive from all clients: burst/period (default: ${DEFAULT-VALUE}).")
    String inquiryLimitListing;

    @Option(names = "--trusted-proxies", paramLabel = "CIDR,...", defaultValue = "${env:HEXPROPERTY_TRUSTED_PROXIES}",
            description = "Proxies whose X-Forwarded-For names the client, for the per-client limits: addresses or CIDR "
                    + "ranges, comma-separated (10.0.0.0/8,fd00::/8). Default: none, the client is the TCP peer; "
                    + "`cluster` passes loopback to its workers. Env: HEXPROPERTY_TRUSTED_PROXIES.")
    String trustedProxies;

    InputConfig inputConfig() {
        return new InputConfig(searchCacheMb * 1024 * 1024,
                new io.hexproperty.http.ConnectionGuard.Config(headerTimeout, maxConnections, maxConnectionsPerClient),
                new io.hexproperty.http.InquiryLimiter.Config(io.hexproperty.http.InquiryLimiter.Rate.parse(inquiryLimitClient),
                        io.hexproperty.http.InquiryLimiter.Rate.parse(inquiryLimitListing)),
                io.hexproperty.http.TrustedProxies.parse(trustedProxies));
    }
    // --- end input protection ---

    @Override
    public Integer call() throws Exception {
        if (capacityRps < 0 || Double.isNaN(capacityRps)) {
            System.err.println("hexproperty: --capacity-rps: must be >= 0 (0 = off), was " + capacityRps);
            return 2;
        }
        ServeConfig config = new ServeConfig(host, port, db.dataDir, db.dbUrl, db.dbUser, db.dbPassword, listings,
                seed, !noSeed, eventLoops == null ? 2 * CORES : eventLoops,
                poolSize == null ? Math.max(8, 4 * CORES) : poolSize, drainTimeout,
                demoTokenFile(db.dataDir), !noCache, adminToken, new ServeConfig.CacheConfig(purgeUrls, redisUrl), shards,
                replicas.config(), benchRoutes, stateDir, new ManagementConfig(managementHost, managementPort,
                io.hexproperty.metrics.MetricsConfig.defaults().withApdexT(apdexT).withPrices(priceCpuHour, priceGbHour)
                        .withAlertWebhook(alertWebhook), rumSample, clusterAdmin));
        InputConfig input;
        try {
            input = inputConfig(); // rates and --trusted-proxies, validated before anything starts
        } catch (IllegalArgumentException e) {
            System.err.println("hexproperty: " + e.getMessage());
            return 2;
        }
        Platform platform = new Platform(config, System.out).input(input);
        platform.emulateCapacity(capacityRps);
        try {
            platform.security(SecurityConfig.defaults().withServerKeyFile(serverKeyFile).withStatementTimeout(statementTimeout)
                    .withRetention(io.hexproperty.database.RetentionConfig.defaults().withHorizon(retention)));
        } catch (IllegalArgumentException e) {
            System.err.println("hexproperty: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.out.println("hexproperty: stopping (draining HTTP, stopping PostgreSQL)...");
            platform.close();
            System.out.println("hexproperty: stopped");
            stopped.countDown();
        }, "hexproperty-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            platform.start();
        } catch (Exception e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            platform.close();
            System.err.println("hexproperty: " + Errors.oneLine(e));
            return 1;
        }
        stopped.await();
        return 0;
    }

    static Path demoTokenFile(Path dataDir) {
        Path parent = dataDir.toAbsolutePath().getParent();
        return (parent == null ? dataDir.toAbsolutePath() : parent).resolve("demo-agent-token");
    }
}
