package io.hexproperty.caching.redis;

import io.hexproperty.caching.KeyCodec;
import io.hexproperty.caching.TierMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Opens tiers on a test's Redis, each with its own key prefix (a fresh, empty tier), and closes them. */
final class RedisTierFixture implements AutoCloseable {

    final Vertx vertx = Vertx.vertx();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<RedisDistributedTier<?, ?>> opened = new ArrayList<>();

    /** Generous command timeout: two cores shared by several builds must not turn into spurious misses. */
    RedisTierConfig config(String url, boolean cluster) {
        return RedisTierConfig.defaults(url).withCluster(cluster).withKeyPrefix("t-" + UUID.randomUUID())
                .withCommandTimeout(Duration.ofSeconds(5));
    }

    RedisDistributedTier<String, String> open(RedisTierConfig config) {
        RedisDistributedTier<String, String> tier = RedisDistributedTier.create(vertx, config, KeyCodec.utf8(),
                ValueCodec.utf8(), TierMetrics.of(registry, "test", "redis"));
        opened.add(tier);
        return tier;
    }

    double errors(String op) {
        Counter counter = registry.find("cache.l2.errors").tag("op", op).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() throws Exception {
        for (RedisDistributedTier<?, ?> tier : opened) {
            tier.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
