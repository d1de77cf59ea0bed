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
        Replication.Config replication) {

    /** Without read replicas. */
    ServeConfig(String host, int port, Path dataDir, String dbUrl, String dbUser, String dbPassword, int listings, long seed,
                boolean seedOnFirstStart, int eventLoops, int poolSize, Duration drainTimeout, Path demoTokenFile,
                boolean cache, String adminToken) {
        this(host, port, dataDir, dbUrl, dbUser, dbPassword, listings, seed, seedOnFirstStart, eventLoops, poolSize,
                drainTimeout, demoTokenFile, cache, adminToken, Replication.Config.none());
    }

    ServeConfig {
        java.util.Objects.requireNonNull(replication, "replication");
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
    }

    /** Where the generated admin token is kept (next to the demo agent token). */
    Path adminTokenFile() {
        return demoTokenFile.resolveSibling("admin-token");
    }

    boolean externalDatabase() {
        return dbUrl != null && !dbUrl.isBlank();
    }
}
