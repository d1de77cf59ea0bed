package io.hexproperty.caching.redis;

import com.github.benmanes.caffeine.cache.Ticker;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.distributed.TokenBuckets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.LongSupplier;

/**
 * Token buckets in Redis, shared by every node: one atomic Lua script per take reads, refills and spends all
 * the buckets of a request or none (ADR 0025). Layout, all under one hash tag so a Redis Cluster keeps them in
 * one slot (a multi-key script needs that; the requests limited, inquiries, are few):
 * <pre>
 * {prefix:rl}:name   hash tokens (a decimal), at (ms of the last refill); PX = the bucket's period + 1 s
 * </pre>
 * Time is the caller's wall clock in milliseconds (nodes must agree on it; see {@link TokenBuckets}). A failed
 * or slow command (the config's command timeout) fails the stage, for {@link TokenBuckets#sharedOrLocal} to
 * decide locally; failures are counted in {@code cache.l2.errors{op=ratelimit}} and logged at most once per
 * {@code errorLogInterval}.
 */
public interface RedisTokenBuckets extends TokenBuckets {

    /**
     * Opens a connection and loads the script (SCRIPT LOAD), so the first take neither connects nor falls back
     * to EVAL: cold, those cost more than a take's timeout on a busy machine. Fails when Redis is unreachable;
     * the buckets work regardless (a take then falls back, and retries Redis next time).
     */
    java.util.concurrent.CompletionStage<Void> warm();

    /** The connection pool is this object's own: close it at shutdown. */
    Future<Void> close();

    /** Buckets on {@code config}'s Redis, timed by the wall clock. */
    static RedisTokenBuckets create(Vertx vertx, RedisTierConfig config, TierMetrics metrics) {
        return create(vertx, config, metrics, () -> System.currentTimeMillis() * 1_000_000L);
    }

    /** {@code wallNanos}: nanoseconds on the timeline every node shares (tests drive it by hand). */
    static RedisTokenBuckets create(Vertx vertx, RedisTierConfig config, TierMetrics metrics, LongSupplier wallNanos) {
        return new ScriptedTokenBuckets(new RedisEndpoint(vertx, config, metrics, Ticker.systemTicker()), config.keyPrefix(), wallNanos);
    }
}
