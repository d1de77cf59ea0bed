package io.hexproperty.app;

import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.KeyCodec;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.redis.RedisDistributedTier;
import io.hexproperty.caching.redis.RedisLease;
import io.hexproperty.caching.redis.RedisTierConfig;
import io.hexproperty.caching.redis.ValueCodec;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.http.SharedTier;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Redis as the shared tier of listing details: versioned writes by Lua script, a lease so that one
 * node loads a cold key while the others wait for it, and degradation to L1 + database when Redis
 * is down (never an error to a client).
 */
final class RedisListingTier implements SharedTier, AutoCloseable {
    static final Duration VALUE_TTL = Duration.ofMinutes(10);

    private final RedisDistributedTier<ListingKey, byte[]> tier;

    RedisListingTier(Vertx vertx, String url, MeterRegistry registry) {
        this.tier = RedisDistributedTier.create(vertx, RedisTierConfig.defaults(url),
                KeyCodec.ofString(ListingKey::value, ListingKey::new), ValueCodec.bytes(),
                TierMetrics.of(registry, "listings", "redis"));
    }

    @Override
    public Function<ListingKey, CompletionStage<Optional<CachedValue<byte[]>>>> readThrough(
            Function<ListingKey, CompletionStage<Optional<CachedValue<byte[]>>>> source) {
        return RedisLease.singleFlight(tier, source, VALUE_TTL, RedisLease.LeaseConfig.defaults());
    }

    @Override
    public void invalidate(ListingKey key, long version) {
        tier.invalidate(key, version);
    }

    @Override
    public void close() throws Exception {
        tier.close().await(5, TimeUnit.SECONDS);
    }
}
