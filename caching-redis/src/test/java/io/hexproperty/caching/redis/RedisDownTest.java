package io.hexproperty.caching.redis;

import static io.hexproperty.testing.Stages.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Redis;
import io.hexproperty.testing.RedisServerExtension;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.InstallOutcome;
import io.hexproperty.caching.distributed.DistributedTier;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Its own redis-server, because it stops it mid-test. */
@Redis
class RedisDownTest {

    @RegisterExtension
    static final RedisServerExtension redis = RedisServerExtension.standalone();

    private final RedisTierFixture fixture = new RedisTierFixture();

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    private static CachedValue<String> v(String s, long version) {
        return new CachedValue<>(s, version, Instant.EPOCH);
    }


    @Test
    void aStoppedRedisIsAMissAndASkipNeverAnErrorAndTheTierRecoversWhenItIsBack() throws Exception {
        RedisDistributedTier<String, String> tier = fixture.open(fixture.config(redis.url(), false)
                .withCommandTimeout(Duration.ofMillis(500)));
        assertThat(join(tier.putIfNewer("a", v("a1", 1), Duration.ofMinutes(5)))).isEqualTo(InstallOutcome.INSTALLED);
        AtomicInteger sourceReads = new AtomicInteger();
        var loader = tier.readThrough(key -> {
            sourceReads.incrementAndGet();
            return CompletableFuture.completedFuture(Optional.of(v("from-db", 7)));
        }, Duration.ofMinutes(1));

        redis.stop();

        for (int i = 0; i < 50; i++) {
            assertThat(join(tier.get("a"))).isEmpty();
            assertThat(join(tier.putIfNewer("a", v("a2", 2), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.SKIPPED);
            assertThat(join(tier.invalidate("a", 3))).isNull();
            assertThat(join(tier.lease().tryAcquire("a", Duration.ofSeconds(1)))).as("load as if there were no lease").isTrue();
        }
        assertThat(join(loader.apply("b"))).as("read-through falls back to the source").contains(v("from-db", 7));
        assertThat(sourceReads).hasValue(1);
        // after the first failed invalidation of "a" this node reads "a" as a miss without asking Redis
        assertThat(fixture.errors("get")).isPositive();
        assertThat(((ScriptedRedisTier<String, String>) tier).pendingInvalidations()).isEqualTo(1);
        assertThat(fixture.errors("put")).isGreaterThanOrEqualTo(50);
        assertThat(fixture.errors("invalidate")).isEqualTo(50);

        redis.start();   // same port, empty (nothing is persisted)

        await().atMost(Duration.ofSeconds(20)).until(() -> ((ScriptedRedisTier<String, String>) tier).pendingInvalidations() == 0);
        assertThat(join(tier.putIfNewer("a", v("a2", 2), Duration.ofMinutes(1))))
                .as("the replayed invalidation's tombstone").isEqualTo(InstallOutcome.REFUSED_TOMBSTONE);
        assertThat(join(tier.putIfNewer("a", v("a4", 4), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.INSTALLED);
        assertThat(join(tier.get("a"))).contains(v("a4", 4));
    }
}
