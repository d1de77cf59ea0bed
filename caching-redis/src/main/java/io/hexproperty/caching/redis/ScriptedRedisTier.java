package io.hexproperty.caching.redis;

import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.InstallOutcome;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * {@link RedisDistributedTier}: reads by HMGET, writes by the scripts of {@link LuaScript}.
 *
 * <p>A skipped put costs a miss later; a skipped invalidation would leave an old version readable in
 * Redis until its TTL. So failed invalidations are kept (highest version per key, bounded by
 * {@code pendingInvalidations}) and replayed every second until Redis takes them, and meanwhile this
 * node reads such a key as a miss. Other nodes are covered by their own change feed: their L1 holds the
 * tombstone and refuses (retries) the older version L2 may still hand them.
 */
final class ScriptedRedisTier<K, V> implements RedisDistributedTier<K, V> {

    private static final long REPLAY_INTERVAL_MILLIS = 1_000;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final RedisEndpoint endpoint;
    private final KeyLayout<K> layout;
    private final ValueCodec<V> codec;
    private final long tombstoneMillis;
    private final RedisLease<K> lease;
    private final ConcurrentMap<K, Long> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean replaying = new AtomicBoolean();
    private final long replayTimer;

    ScriptedRedisTier(RedisEndpoint endpoint, KeyLayout<K> layout, ValueCodec<V> codec) {
        this.endpoint = endpoint;
        this.layout = layout;
        this.codec = codec;
        this.tombstoneMillis = endpoint.config().tombstoneWindow().toMillis();
        this.lease = new TokenLease<>(endpoint, layout);
        endpoint.metrics().gauge("cache.l2.invalidations.pending", pending::size);
        this.replayTimer = endpoint.config().pendingInvalidations() == 0 ? -1
                : endpoint.vertx().setPeriodic(REPLAY_INTERVAL_MILLIS, id -> replayPending());
    }

    @Override
    public CompletionStage<Optional<CachedValue<V>>> get(K key) {
        if (!pending.isEmpty() && pending.containsKey(key)) {
            endpoint.metrics().miss();
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return this.<Optional<CachedValue<V>>>degrade("get", Optional.empty(), () -> endpoint.send(
                Request.cmd(Command.HMGET).arg(layout.value(key)).arg("ver").arg("at").arg("val")).thenApply(this::decode))
                .thenApply(found -> {
                    if (found.isPresent()) {
                        endpoint.metrics().hit();
                    } else {
                        endpoint.metrics().miss();
                    }
                    return found;
                });
    }

    @Override
    public CompletionStage<InstallOutcome> putIfNewer(K key, CachedValue<V> value, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl + " for key " + key);
        }
        return degrade("put", InstallOutcome.SKIPPED, () -> endpoint.eval(LuaScript.PUT_IF_NEWER,
                List.of(layout.value(key), layout.tombstone(key)),
                List.of(value.version(), Math.max(1, ttl.toMillis()), nanos(value.loadedAt()), codec.encode(value.value())))
                .thenApply(response -> switch (response.toInteger()) {
                    case 0 -> InstallOutcome.INSTALLED;
                    case 1 -> InstallOutcome.REFUSED_TOMBSTONE;
                    case 2 -> InstallOutcome.REFUSED_OLDER;
                    default -> throw new IllegalStateException("putIfNewer script answered " + response + " for key " + key);
                }))
                .thenApply(outcome -> {
                    if (!outcome.installed()) {
                        endpoint.metrics().refusedInstall(outcome.reason());
                    }
                    return outcome;
                });
    }

    @Override
    public CompletionStage<Void> evict(K key) {
        return endpoint.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.DEL).arg(layout.value(key)))
                .whenComplete((r, error) -> {
                    if (error != null) {
                        endpoint.failed("evict", error);
                    }
                }).thenApply(r -> (Void) null);
    }

    /**
     * SCAN for this tier's value keys and UNLINK them, on the one server or, with a cluster, on each
     * endpoint of the URL in turn (a SCAN sees one node's keys only: list every master in the URL).
     */
    @Override
    public CompletionStage<Long> evictAll() {
        String pattern = layout.valuePattern();
        if (!endpoint.config().cluster()) {
            return RedisScan.unlinkAll(endpoint.redis(), pattern, false).toCompletionStage();
        }
        io.vertx.core.Future<Long> total = io.vertx.core.Future.succeededFuture(0L);
        for (String url : endpoint.config().endpoints()) {
            total = total.compose(sum -> {
                io.vertx.redis.client.Redis node = io.vertx.redis.client.Redis.createClient(endpoint.vertx(),
                        new io.vertx.redis.client.RedisOptions().setConnectionString(url).setMaxPoolSize(1));
                return RedisScan.unlinkAll(node, pattern, true).map(n -> sum + n).eventually(() -> {
                    node.close();
                    return io.vertx.core.Future.succeededFuture();
                });
            });
        }
        return total.toCompletionStage();
    }

    @Override
    public CompletionStage<Void> invalidate(K key, long version) {
        return sendInvalidation(key, version).handle((response, error) -> {
            if (error != null) {
                endpoint.failed("invalidate", error);
                keepPending(key, version);
            }
            return null;
        });
    }

    private CompletableFuture<Response> sendInvalidation(K key, long version) {
        try {
            return endpoint.eval(LuaScript.INVALIDATE, List.of(layout.value(key), layout.tombstone(key)),
                    List.of(version, tombstoneMillis));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void keepPending(K key, long version) {
        if (pending.size() < endpoint.config().pendingInvalidations() || pending.containsKey(key)) {
            pending.merge(key, version, Math::max);
        } else {
            // nothing left but the TTL to bound how long L2 may hold the old version of this key
            endpoint.metrics().counter("cache.l2.invalidations.dropped", "reason", "pending-full").increment();
        }
    }

    /** One replay round at a time; a key leaves the map only if no newer invalidation failed meanwhile. */
    private void replayPending() {
        if (pending.isEmpty() || !replaying.compareAndSet(false, true)) {
            return;
        }
        List<CompletableFuture<?>> round = new ArrayList<>();
        for (Map.Entry<K, Long> entry : pending.entrySet()) {
            K key = entry.getKey();
            long version = entry.getValue();
            round.add(sendInvalidation(key, version).handle((response, error) -> {
                if (error == null) {
                    pending.remove(key, version);
                }
                return null;
            }));
            if (round.size() >= endpoint.config().maxPoolWaiting() / 2 + 1) {
                break;   // leave room in the pool's queue for live traffic
            }
        }
        CompletableFuture.allOf(round.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> replaying.set(false));
    }

    @Override
    public RedisLease<K> lease() {
        return lease;
    }

    /** Invalidations Redis has not taken yet (they are being replayed). */
    int pendingInvalidations() {
        return pending.size();
    }

    @Override
    public Future<Void> close() {
        if (replayTimer >= 0) {
            endpoint.vertx().cancelTimer(replayTimer);
        }
        return endpoint.close();
    }

    private Optional<CachedValue<V>> decode(Response fields) {
        Response version = fields.get(0);
        Response at = fields.get(1);
        Response bytes = fields.get(2);
        if (version == null || at == null || bytes == null) {
            return Optional.empty();
        }
        long nanos = at.toLong();
        Instant loadedAt = Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
        return Optional.of(new CachedValue<>(codec.decode(bytes.toBytes()), version.toLong(), loadedAt));
    }

    private static long nanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), NANOS_PER_SECOND), instant.getNano());
    }

    /** Failures of any kind (Redis, timeout, codec) become the degraded answer; the caller never sees them. */
    private <T> CompletableFuture<T> degrade(String op, T fallback, Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> started;
        try {
            started = call.get();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        return started.handle((result, error) -> {
            if (error == null) {
                return result;
            }
            endpoint.failed(op, error);
            return fallback;
        });
    }
}
