package io.hexproperty.caching.redis;

import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.InstallOutcome;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** {@link RedisDistributedTier}: reads by HMGET, writes by the scripts of {@link LuaScript}. */
final class ScriptedRedisTier<K, V> implements RedisDistributedTier<K, V> {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final RedisEndpoint endpoint;
    private final KeyLayout<K> layout;
    private final ValueCodec<V> codec;
    private final long tombstoneMillis;
    private final RedisLease<K> lease;

    ScriptedRedisTier(RedisEndpoint endpoint, KeyLayout<K> layout, ValueCodec<V> codec) {
        this.endpoint = endpoint;
        this.layout = layout;
        this.codec = codec;
        this.tombstoneMillis = endpoint.config().tombstoneWindow().toMillis();
        this.lease = new TokenLease<>(endpoint, layout);
    }

    @Override
    public CompletionStage<Optional<CachedValue<V>>> get(K key) {
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
    public CompletionStage<Void> invalidate(K key, long version) {
        return degrade("invalidate", null, () -> endpoint.eval(LuaScript.INVALIDATE,
                List.of(layout.value(key), layout.tombstone(key)), List.of(version, tombstoneMillis))
                .thenApply(response -> (Void) null));
    }

    @Override
    public RedisLease<K> lease() {
        return lease;
    }

    @Override
    public Future<Void> close() {
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
