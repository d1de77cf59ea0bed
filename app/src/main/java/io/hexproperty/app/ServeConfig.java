package io.hexproperty.app;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything {@code serve} needs, validated once. Defaults live in {@link ServeCommand}'s options
 * (and the README's configuration table), nowhere else.
 */
record ServeConfig(
        String host,
        int port,
        Path dataDir,
        String dbUrl,
        String dbUser,
        String dbPassword,
        int listings,
        long seed,
        boolean seedOnFirstStart,
        int eventLoops,
        int poolSize,
        Duration drainTimeout,
        Path demoTokenFile,
        boolean cache,
        String adminToken,
        CacheConfig caches,
        int shards,
        Replication.Config replication,
        boolean benchRoutes,
        Path stateDir,
        ManagementConfig management) {

    // --- caching: CDN purge, warm start, write-behind (block added by the caching work) ---
    /** The caching settings of {@code serve} beyond on/off. */
    record CacheConfig(java.util.List<java.net.URI> purgeUrls, String redisUrl) {
        CacheConfig {
            purgeUrls = java.util.List.copyOf(purgeUrls);
            redisUrl = redisUrl == null || redisUrl.isBlank() ? null : redisUrl.strip();
        }

        static CacheConfig defaults() {
            return new CacheConfig(java.util.List.of(), null);
        }

        CacheConfig withPurgeUrls(java.util.List<java.net.URI> urls) {
            return new CacheConfig(urls, redisUrl);
        }

        CacheConfig withRedisUrl(String url) {
            return new CacheConfig(purgeUrls, url);
        }
    }

    ServeConfig(String host, int port, Path dataDir, String dbUrl, String dbUser, String dbPassword, int listings,
                long seed, boolean seedOnFirstStart, int eventLoops, int poolSize, Duration drainTimeout,
                Path demoTokenFile, boolean cache, String adminToken) {
        this(host, port, dataDir, dbUrl, dbUser, dbPassword, listings, seed, seedOnFirstStart, eventLoops, poolSize,
                drainTimeout, demoTokenFile, cache, adminToken, CacheConfig.defaults(), 1, Replication.Config.none(), false, null,
                port == 0 ? ManagementConfig.anyFreePort() : ManagementConfig.defaults());
    }

    ServeConfig withStateDir(Path value) {
        return new ServeConfig(host, port, dataDir, dbUrl, dbUser, dbPassword, listings, seed, seedOnFirstStart,
                eventLoops, poolSize, drainTimeout, demoTokenFile, cache, adminToken, caches, shards, replication,
                benchRoutes, value, management);
    }

    /** Without the bench routes, with the state directory derived from the data directory and port. */
    ServeConfig(String host, int port, Path dataDir, String dbUrl, String dbUser, String dbPassword, int listings,
                long seed, boolean seedOnFirstStart, int eventLoops, int poolSize, Duration drainTimeout,
                Path demoTokenFile, boolean cache, String adminToken, CacheConfig caches, int shards,
                Replication.Config replication) {
        this(host, port, dataDir, dbUrl, dbUser, dbPassword, listings, seed, seedOnFirstStart, eventLoops, poolSize,
                drainTimeout, demoTokenFile, cache, adminToken, caches, shards, replication, false, null,
                port == 0 ? ManagementConfig.anyFreePort() : ManagementConfig.defaults());
    }

    /** With {@code GET /bench/static} (the HTTP ceiling of bench/http-ceiling.sh) served or not. */
    ServeConfig withBenchRoutes(boolean value) {
        return new ServeConfig(host, port, dataDir, dbUrl, dbUser, dbPassword, listings, seed, seedOnFirstStart,
                eventLoops, poolSize, drainTimeout, demoTokenFile, cache, adminToken, caches, shards, replication,
                value, stateDir, management);
    }

    ServeConfig withManagement(ManagementConfig value) {
        return new ServeConfig(host, port, dataDir, dbUrl, dbUser, dbPassword, listings, seed, seedOnFirstStart,
                eventLoops, poolSize, drainTimeout, demoTokenFile, cache, adminToken, caches, shards, replication,
                benchRoutes, stateDir, value);
    }

    ServeConfig withShards(int count) {
        return new ServeConfig(host, port, dataDir, dbUrl, dbUser, dbPassword, listings, seed, seedOnFirstStart,
                eventLoops, poolSize, drainTimeout, demoTokenFile, cache, adminToken, caches, count, replication, benchRoutes, stateDir, management);
    }

    ServeConfig withCaches(CacheConfig options) {
        return new ServeConfig(host, port, dataDir, dbUrl, dbUser, dbPassword, listings, seed, seedOnFirstStart,
                eventLoops, poolSize, drainTimeout, demoTokenFile, cache, adminToken, options, shards, replication, benchRoutes, stateDir, management);
    }

    ServeConfig withReplication(Replication.Config value) {
        return new ServeConfig(host, port, dataDir, dbUrl, dbUser, dbPassword, listings, seed, seedOnFirstStart,
                eventLoops, poolSize, drainTimeout, demoTokenFile, cache, adminToken, caches, shards, value, benchRoutes, stateDir, management);
    }

    /**
     * This node's own state folder (warm-start snapshot, view-count journal), locked while the node runs:
     * {@code --state-dir}, else {@code <parent of data dir>/state/<data dir name>-<port>} ({@code
     * var/state/pg-8080}), so nodes with other data directories or ports never share one.
     */
    Path stateRoot() {
        if (stateDir != null) {
            return stateDir.toAbsolutePath().normalize();
        }
        Path data = dataDir.toAbsolutePath().normalize();
        Path parent = data.getParent() == null ? data : data.getParent();
        String name = data.getFileName() == null ? "data" : data.getFileName().toString();
        return parent.resolve("state").resolve(name + "-" + port);
    }

    /** Where node-local cache files live ({@code <state>/cache}). */
    Path cacheRoot() {
        return stateRoot().resolve("cache");
    }

    /** Where write-behind journals live ({@code <state>/journal}). */
    Path journalRoot() {
        return stateRoot().resolve("journal");
    }
    // --- end caching block ---

    ServeConfig {
        caches = caches == null ? CacheConfig.defaults() : caches;
        replication = replication == null ? Replication.Config.none() : replication;
        management = management == null ? ManagementConfig.defaults() : management;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
        }
        if (listings < 0 || listings > 50_000_000) {
            throw new IllegalArgumentException("--listings must be between 0 and 50000000, got " + listings);
        }
        if (eventLoops < 1 || eventLoops > 256) {
            throw new IllegalArgumentException("--event-loops must be between 1 and 256, got " + eventLoops);
        }
        if (poolSize < 1 || poolSize > 1000) {
            throw new IllegalArgumentException("--pool-size must be between 1 and 1000, got " + poolSize);
        }
        if (shards > 1 && (replication.replicas() > 0 || !replication.urls().isEmpty())) {
            throw new IllegalArgumentException("--shards and --replicas cannot be combined yet: use one or the other");
        }
        if (shards < 1 || shards > 16) {
            throw new IllegalArgumentException("--shards must be between 1 and 16, got " + shards);
        }
        if (shards > 1 && dbUrl != null && !dbUrl.isBlank() && urls(dbUrl).size() != shards) {
            throw new IllegalArgumentException("--shards " + shards + " with --db-url needs " + shards
                    + " comma-separated URLs, one per shard in shard order; got " + urls(dbUrl).size());
        }
    }


    /** Where the generated admin token is kept (next to the demo agent token). */
    Path adminTokenFile() {
        return demoTokenFile.resolveSibling("admin-token");
    }

    /** With {@code --shards N} and {@code --db-url}: the N external shard URLs, in shard order. */
    java.util.List<String> shardUrls() {
        return urls(dbUrl);
    }

    private static java.util.List<String> urls(String list) {
        return list == null || list.isBlank() ? java.util.List.of()
                : java.util.Arrays.stream(list.split(",")).map(String::strip).filter(u -> !u.isEmpty()).toList();
    }

    boolean externalDatabase() {
        return dbUrl != null && !dbUrl.isBlank();
    }
}
