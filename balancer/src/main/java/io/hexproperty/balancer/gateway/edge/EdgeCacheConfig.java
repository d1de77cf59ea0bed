package io.hexproperty.balancer.gateway.edge;

/**
 * Settings of the gateway's edge cache.
 *
 * <ul>
 *   <li>{@code maxBytes}: the bound of the store (bodies plus fields, approximately); 0 turns the cache off and
 *       leaves the gateway's data plane exactly as without it.</li>
 *   <li>{@code maxObjectBytes}: a response larger than this is passed through, never stored (it would evict
 *       too much, and is read into memory whole before it could be stored).</li>
 *   <li>{@code surrogateKeyHeader}: the response field whose space-separated values tag an entry for purges
 *       (the workers send {@code Surrogate-Key}, as Fastly and the Varnish VCL in deploy/ read it).</li>
 * </ul>
 */
public record EdgeCacheConfig(long maxBytes, int maxObjectBytes, String surrogateKeyHeader) {
    public static final String DEFAULT_SURROGATE_KEY_HEADER = "Surrogate-Key";

    public EdgeCacheConfig {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("edge cache size must be >= 0 bytes (0 = off), was " + maxBytes);
        }
        if (maxObjectBytes < 1) {
            throw new IllegalArgumentException("edge cache max object size must be >= 1 byte, was " + maxObjectBytes);
        }
        if (surrogateKeyHeader == null || surrogateKeyHeader.isBlank()) {
            throw new IllegalArgumentException("edge cache surrogate key header must be a field name");
        }
    }

    /** Off. */
    public static EdgeCacheConfig defaults() {
        return new EdgeCacheConfig(0, 1 << 20, DEFAULT_SURROGATE_KEY_HEADER);
    }

    public static EdgeCacheConfig ofMegabytes(int mb) {
        if (mb < 0) {
            throw new IllegalArgumentException("edge cache size must be >= 0 MB (0 = off), was " + mb);
        }
        EdgeCacheConfig d = defaults();
        long bytes = mb * 1024L * 1024L;
        return new EdgeCacheConfig(bytes, (int) Math.min(d.maxObjectBytes(), Math.max(1, bytes / 8)), d.surrogateKeyHeader());
    }

    public boolean enabled() {
        return maxBytes > 0;
    }
}
