package io.hexproperty.caching.redis;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How to reach Redis and how the L2 tier uses it. Defaults ({@link #defaults}) in one place:
 * <pre>
 * url                 (required) redis://host:port, or a comma-separated list of seed nodes for a cluster
 * keyPrefix           "hx"     keys are {keyPrefix:key}:v (value), :t (tombstone), :l (lease)
 * tombstoneWindow     30 s     how long an invalidation refuses older versions (match L1's window)
 * commandTimeout      250 ms   a command slower than this is abandoned: a miss / a skipped write
 * cluster             true when url lists several endpoints; Redis Cluster (slots discovered from the seeds)
 * poolSize            8        connections per node
 * maxPoolWaiting      1024     requests queued for a connection before they are refused (= skipped)
 * errorLogInterval    30 s     at most one warning per interval while Redis is failing; all are counted
 * pendingInvalidations 10000  invalidations that failed, kept (max version per key) and replayed every
 *                              second until Redis takes them; 0 = none kept (staleness bounded by TTL only)
 * </pre>
 */
public record RedisTierConfig(String url, String keyPrefix, Duration tombstoneWindow, Duration commandTimeout,
                              boolean cluster, int poolSize, int maxPoolWaiting, Duration errorLogInterval,
                              int pendingInvalidations) {

    public RedisTierConfig {
        Objects.requireNonNull(url, "url");
        for (String endpoint : endpoints(url)) {
            if (!endpoint.startsWith("redis://") && !endpoint.startsWith("rediss://")) {
                throw new IllegalArgumentException("url entries must start with redis:// or rediss://, was '"
                        + endpoint + "' in '" + url + "'");
            }
        }
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (keyPrefix.isEmpty() || keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
            // braces would move the cluster hash tag and split a key's value and tombstone across slots
            throw new IllegalArgumentException("keyPrefix must be non-empty and free of '{' and '}', was '" + keyPrefix + "'");
        }
        requirePositive("tombstoneWindow", tombstoneWindow);
        requirePositive("commandTimeout", commandTimeout);
        requirePositive("errorLogInterval", errorLogInterval);
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be >= 1, was " + poolSize);
        }
        if (maxPoolWaiting < 0) {
            throw new IllegalArgumentException("maxPoolWaiting must be >= 0, was " + maxPoolWaiting);
        }
        if (pendingInvalidations < 0) {
            throw new IllegalArgumentException("pendingInvalidations must be >= 0, was " + pendingInvalidations);
        }
        if (!cluster && endpoints(url).size() > 1) {
            throw new IllegalArgumentException("several endpoints (" + url + ") need cluster=true");
        }
    }

    public static RedisTierConfig defaults(String url) {
        return new RedisTierConfig(url, "hx", Duration.ofSeconds(30), Duration.ofMillis(250), endpoints(url).size() > 1, 8, 1024,
                Duration.ofSeconds(30), 10_000);
    }

    /** The seed endpoints of {@link #url}, split on commas. */
    public List<String> endpoints() {
        return endpoints(url);
    }

    public RedisTierConfig withKeyPrefix(String prefix) {
        return new RedisTierConfig(url, prefix, tombstoneWindow, commandTimeout, cluster, poolSize, maxPoolWaiting,
                errorLogInterval, pendingInvalidations);
    }

    public RedisTierConfig withTombstoneWindow(Duration window) {
        return new RedisTierConfig(url, keyPrefix, window, commandTimeout, cluster, poolSize, maxPoolWaiting,
                errorLogInterval, pendingInvalidations);
    }

    public RedisTierConfig withCommandTimeout(Duration timeout) {
        return new RedisTierConfig(url, keyPrefix, tombstoneWindow, timeout, cluster, poolSize, maxPoolWaiting,
                errorLogInterval, pendingInvalidations);
    }

    public RedisTierConfig withCluster(boolean isCluster) {
        return new RedisTierConfig(url, keyPrefix, tombstoneWindow, commandTimeout, isCluster, poolSize,
                maxPoolWaiting, errorLogInterval, pendingInvalidations);
    }

    public RedisTierConfig withPoolSize(int size) {
        return new RedisTierConfig(url, keyPrefix, tombstoneWindow, commandTimeout, cluster, size, maxPoolWaiting,
                errorLogInterval, pendingInvalidations);
    }

    public RedisTierConfig withMaxPoolWaiting(int waiting) {
        return new RedisTierConfig(url, keyPrefix, tombstoneWindow, commandTimeout, cluster, poolSize, waiting,
                errorLogInterval, pendingInvalidations);
    }

    public RedisTierConfig withErrorLogInterval(Duration interval) {
        return new RedisTierConfig(url, keyPrefix, tombstoneWindow, commandTimeout, cluster, poolSize, maxPoolWaiting,
                interval, pendingInvalidations);
    }

    public RedisTierConfig withPendingInvalidations(int pending) {
        return new RedisTierConfig(url, keyPrefix, tombstoneWindow, commandTimeout, cluster, poolSize, maxPoolWaiting,
                errorLogInterval, pending);
    }

    private static List<String> endpoints(String url) {
        List<String> list = Arrays.stream(url.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (list.isEmpty()) {
            throw new IllegalArgumentException("url must name at least one redis:// endpoint, was '" + url + "'");
        }
        return list;
    }

    private static void requirePositive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
