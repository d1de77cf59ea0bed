package io.hexproperty.caching.redis;

import static io.hexproperty.testing.Stages.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Redis;
import io.hexproperty.testing.RedisServerExtension;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.InstallOutcome;
import io.hexproperty.caching.distributed.DistributedTier;
import io.hexproperty.caching.distributed.DistributedTierContract;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Redis
class RedisDistributedTierTest extends DistributedTierContract {

    @RegisterExtension
    static final RedisServerExtension redis = RedisServerExtension.standalone();

    private final RedisTierFixture fixture = new RedisTierFixture();

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    @Override
    protected DistributedTier<String, String> tier() {
        return fixture.open(config());
    }

    private RedisTierConfig config() {
        return fixture.config(redis.url(), false);
    }

    private static CachedValue<String> v(String s, long version) {
        return new CachedValue<>(s, version, Instant.EPOCH);
    }


    @Test
    void keepsLoadedAtToTheNanosecondAndValuesExpireAfterTheirTtl() throws Exception {
        DistributedTier<String, String> tier = tier();
        CachedValue<String> value = new CachedValue<>("x", 1, Instant.parse("2026-11-25T21:53:04.123456789Z"));
        join(tier.putIfNewer("a", value, Duration.ofMillis(300)));
        assertThat(join(tier.get("a"))).contains(value);
        await().atMost(Duration.ofSeconds(10)).until(() -> join(tier.get("a")).isEmpty());
    }

    @Test
    void tombstonesExpireAfterTheWindow() throws Exception {
        DistributedTier<String, String> tier = fixture.open(config().withTombstoneWindow(Duration.ofMillis(300)));
        join(tier.invalidate("b", 5));
        assertThat(join(tier.putIfNewer("b", v("b4", 4), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.REFUSED_TOMBSTONE);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> join(tier.putIfNewer("b", v("b4", 4), Duration.ofMinutes(1))) == InstallOutcome.INSTALLED);
    }

    @Test
    void anInvalidationKeepsTheHighestTombstone() throws Exception {
        DistributedTier<String, String> tier = tier();
        join(tier.invalidate("a", 9));
        join(tier.invalidate("a", 3));
        assertThat(join(tier.putIfNewer("a", v("a8", 8), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.REFUSED_TOMBSTONE);
    }

    @Test
    void versionsAboveTwoToThe53CompareExactly() throws Exception {
        // Lua numbers are doubles: 2^53 + 1 and 2^53 would compare equal if the script used tonumber
        DistributedTier<String, String> tier = tier();
        long big = (1L << 53) + 1;
        join(tier.putIfNewer("a", v("new", big), Duration.ofMinutes(1)));
        assertThat(join(tier.putIfNewer("a", v("old", big - 1), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.REFUSED_OLDER);
        assertThat(join(tier.putIfNewer("a", v("max", Long.MAX_VALUE), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.INSTALLED);
        assertThat(join(tier.get("a"))).contains(v("max", Long.MAX_VALUE));
    }

    @Test
    void keysWithBracesStayTogetherAndWork() throws Exception {
        DistributedTier<String, String> tier = tier();
        for (String key : List.of("a{b}c", "}{", "{", "ünï cödé")) {
            join(tier.putIfNewer(key, v(key, 2), Duration.ofMinutes(1)));
            join(tier.invalidate(key, 3));
            assertThat(join(tier.get(key))).as(key).isEmpty();
            assertThat(join(tier.putIfNewer(key, v(key, 3), Duration.ofMinutes(1)))).as(key).isEqualTo(InstallOutcome.INSTALLED);
            assertThat(join(tier.get(key))).as(key).contains(v(key, 3));
        }
    }

    @Test
    void aFlushedScriptCacheFallsBackToEval() throws Exception {
        DistributedTier<String, String> tier = tier();
        join(tier.putIfNewer("a", v("a1", 1), Duration.ofMinutes(1)));
        assertThat(redis.cli("SCRIPT", "FLUSH")).isEqualTo("OK");
        assertThat(join(tier.putIfNewer("a", v("a2", 2), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.INSTALLED);
        join(tier.invalidate("a", 3));
        assertThat(join(tier.get("a"))).isEmpty();
        assertThat(fixture.errors("put") + fixture.errors("invalidate")).isZero();
    }

    @Test
    void concurrentPutsLeaveTheMaximumAndNothingOlderThanAnInvalidationIsRead() throws Exception {
        // all 6,400 calls are in flight at once: let them queue for a connection instead of being skipped, and give
        // them time (the 250 ms default timeout counts the queueing; on a loaded CI machine 4,007 of them timed out):
        // this test is about ordering, not latency
        DistributedTier<String, String> tier = fixture.open(config().withMaxPoolWaiting(100_000)
                .withCommandTimeout(Duration.ofSeconds(30)));
        int keys = 16;
        int putsPerKey = 400;
        long floor = 500;
        Map<String, Long> maxPut = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> all = new ArrayList<>();
        List<Long> readBelowFloor = java.util.Collections.synchronizedList(new ArrayList<>());
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int k = 0; k < keys; k++) {
            String key = "k" + k;
            int invalidateAt = random.nextInt(putsPerKey);
            for (int i = 0; i < putsPerKey; i++) {
                long version = random.nextLong(1_000);
                maxPut.merge(key, version, Math::max);
                all.add(tier.putIfNewer(key, v(key + "@" + version, version), Duration.ofMinutes(1)).toCompletableFuture());
                if (i == invalidateAt) {
                    // every read issued after the invalidation completed must see the floor
                    all.add(tier.invalidate(key, floor).thenCompose(done -> tier.get(key))
                            .thenAccept(read -> read.ifPresent(r -> {
                                if (r.version() < floor) {
                                    readBelowFloor.add(r.version());
                                }
                            })).toCompletableFuture());
                }
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(fixture.errors("put") + fixture.errors("invalidate") + fixture.errors("get")).isZero();
        assertThat(readBelowFloor).isEmpty();
        for (int k = 0; k < keys; k++) {
            String key = "k" + k;
            long max = maxPut.get(key);
            Optional<CachedValue<String>> stored = join(tier.get(key));
            if (max >= floor) {
                assertThat(stored).as(key).contains(v(key + "@" + max, max));
            } else {
                assertThat(stored).as(key).isEmpty();
            }
        }
    }

    @Test
    void killedConnectionsReconnectWithoutAnErrorReachingCallers() throws Exception {
        DistributedTier<String, String> tier = fixture.open(config().withMaxPoolWaiting(100_000));
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            calls.add(tier.putIfNewer("k" + (i % 50), v("x", i), Duration.ofMinutes(1)).toCompletableFuture());
            calls.add(tier.get("k" + (i % 50)).toCompletableFuture());
            if (i == 1_000) {
                assertThat(Integer.parseInt(redis.cli("CLIENT", "KILL", "TYPE", "normal")))
                        .as("connections of the tier killed").isPositive();
            }
        }
        for (CompletableFuture<?> call : calls) {
            assertThat(call.get(30, TimeUnit.SECONDS)).isNotNull();   // completes normally, never exceptionally
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(join(tier.putIfNewer("after", v("back", 1), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.INSTALLED);
            assertThat(join(tier.get("after"))).contains(v("back", 1));
        });
    }

    @Test
    void aSlowRedisDegradesToMissesAndSkipsWithinTheCommandTimeout() throws Exception {
        DistributedTier<String, String> tier = fixture.open(config().withCommandTimeout(Duration.ofMillis(200)));
        assertThat(join(tier.putIfNewer("a", v("a1", 1), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.INSTALLED);
        var sleeper = redis.cliAsync("DEBUG", "SLEEP", "5");
        try {
            await().atMost(Duration.ofSeconds(3)).until(() -> join(tier.get("a")).isEmpty());
            assertThat(join(tier.putIfNewer("a", v("a2", 2), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.SKIPPED);
            assertThat(join(tier.invalidate("a", 9))).isNull();
            assertThat(fixture.errors("get")).isPositive();
            assertThat(fixture.errors("put")).isPositive();
            assertThat(fixture.errors("invalidate")).isPositive();
        } finally {
            sleeper.get(30, TimeUnit.SECONDS);
        }
        // the skipped writes may still have reached Redis late (it queued them); the version rules keep it
        // right, and the timed-out invalidation is replayed (until then this node reads "a" as a miss)
        await().atMost(Duration.ofSeconds(20)).until(() -> join(tier.putIfNewer("a", v("a9", 9), Duration.ofMinutes(1))).installed());
        await().atMost(Duration.ofSeconds(20)).until(() -> join(tier.get("a")).equals(Optional.of(v("a9", 9))));
    }

    @Test
    void aFailedInvalidationIsReplayedOnceRedisTakesWritesAgain() throws Exception {
        RedisTierConfig config = config();
        RedisDistributedTier<String, String> node1 = fixture.open(config);
        RedisDistributedTier<String, String> node2 = fixture.open(config);
        join(node1.putIfNewer("a", v("a1", 1), Duration.ofMinutes(5)));
        // reads keep working, every write (and so every script) is refused: NOREPLICAS
        assertThat(redis.cli("CONFIG", "SET", "min-replicas-to-write", "1")).isEqualTo("OK");
        try {
            assertThat(join(node1.invalidate("a", 5))).isNull();
            assertThat(fixture.errors("invalidate")).isEqualTo(1);
            assertThat(join(node1.get("a"))).as("the invalidating node does not read what it could not invalidate").isEmpty();
            assertThat(join(node2.get("a"))).as("still in Redis: the invalidation did not reach it").contains(v("a1", 1));
            assertThat(((ScriptedRedisTier<String, String>) node1).pendingInvalidations()).isEqualTo(1);
        } finally {
            redis.cli("CONFIG", "SET", "min-replicas-to-write", "0");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ((ScriptedRedisTier<String, String>) node1).pendingInvalidations() == 0);
        assertThat(join(node2.get("a"))).isEmpty();
        assertThat(join(node2.putIfNewer("a", v("a4", 4), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.REFUSED_TOMBSTONE);
    }
}
