package io.hexproperty.caching.redis;

import com.github.benmanes.caffeine.cache.Ticker;
import io.hexproperty.caching.KeyCodec;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.distributed.DistributedTier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The L2 tier in Redis (standalone or Cluster). Version rules run inside one Lua script per write, so
 * two nodes racing to fill a key can never put an older version over a newer one, nor refill it below
 * an invalidation's tombstone. Layout per key (the hash tag keeps all three in one cluster slot):
 * <pre>
 * {prefix:key}:v  hash ver, at (loadedAt, epoch nanos), val (codec bytes); PX = the put's TTL
 * {prefix:key}:t  the tombstone: highest invalidated version; PX = tombstone window
 * {prefix:key}:l  the cross-node load lease ({@link RedisLease}): owner token; PX = lease TTL
 * </pre>
 * The tier never fails its caller: when Redis is down, slow (command timeout) or refuses, {@code get}
 * is a miss, {@code putIfNewer} answers {@code SKIPPED}, {@code invalidate} completes; each is counted in
 * {@code cache.l2.errors{op}} and logged at most once per {@code errorLogInterval}.
 */
public interface RedisDistributedTier<K, V> extends DistributedTier<K, V> {

    /** The lease for single-flight loads across nodes, on this tier's connections and key layout. */
    RedisLease<K> lease();

    /** The connection pool is this tier's own: close it at shutdown (the Vert.x instance stays open). */
    Future<Void> close();

    static <K, V> RedisDistributedTier<K, V> create(Vertx vertx, RedisTierConfig config, KeyCodec<K> keys,
                                                     ValueCodec<V> values, TierMetrics metrics) {
        return create(vertx, config, keys, values, metrics, Ticker.systemTicker());
    }

    static <K, V> RedisDistributedTier<K, V> create(Vertx vertx, RedisTierConfig config, KeyCodec<K> keys,
                                                     ValueCodec<V> values, TierMetrics metrics, Ticker ticker) {
        return new ScriptedRedisTier<>(new RedisEndpoint(vertx, config, metrics, ticker), new KeyLayout<>(config.keyPrefix(), keys), values);
    }
}
