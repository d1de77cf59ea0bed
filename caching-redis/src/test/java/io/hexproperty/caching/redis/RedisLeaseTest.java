package io.hexproperty.caching.redis;

import static io.hexproperty.testing.Stages.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Redis;
import io.hexproperty.testing.RedisServerExtension;
import io.hexproperty.caching.CachedValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Redis
class RedisLeaseTest {

    @RegisterExtension
    static final RedisServerExtension redis = RedisServerExtension.standalone();

    private final RedisTierFixture fixture = new RedisTierFixture();

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }


    /** Two nodes: two tiers with their own connection pools and owner tokens, on the same keys. */
    private List<RedisDistributedTier<String, String>> twoNodes() {
        RedisTierConfig config = fixture.config(redis.url(), false).withMaxPoolWaiting(100_000);
        return List.of(fixture.open(config), fixture.open(config));
    }

    @Test
    void twoHundredConcurrentMissesOnTwoNodesLoadTheSourceOnce() throws Exception {
        List<RedisDistributedTier<String, String>> nodes = twoNodes();
        AtomicInteger sourceLoads = new AtomicInteger();
        CachedValue<String> fromDb = new CachedValue<>("listing", 42, Instant.EPOCH);
        // the load takes a while, so that the other 199 misses arrive while it is in progress
        Function<String, CompletionStage<Optional<CachedValue<String>>>> source = key -> {
            sourceLoads.incrementAndGet();
            return CompletableFuture.supplyAsync(() -> Optional.of(fromDb),
                    CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
        };
        // waiters poll for up to 30 s: on a loaded machine they must not give up before the holder fills L2
        RedisLease.LeaseConfig leases = new RedisLease.LeaseConfig(Duration.ofSeconds(30), Duration.ofMillis(20), 1_500);
        List<Function<String, CompletionStage<Optional<CachedValue<String>>>>> loaders = nodes.stream()
                .map(tier -> RedisLease.singleFlight(tier, source, Duration.ofMinutes(1), leases)).toList();

        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Optional<CachedValue<String>>>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(16)) {
            List<CompletableFuture<CompletableFuture<Optional<CachedValue<String>>>>> submitted = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                var loader = loaders.get(i % 2);
                submitted.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return loader.apply("cold").toCompletableFuture();
                }, threads));
            }
            start.countDown();
            for (var s : submitted) {
                results.add(s.get(60, TimeUnit.SECONDS));
            }
        }
        for (var result : results) {
            assertThat(result.get(60, TimeUnit.SECONDS)).contains(fromDb);
        }
        assertThat(sourceLoads).hasValue(1);
        assertThat(join(nodes.get(0).get("cold"))).contains(fromDb);
    }

    @Test
    void aWaiterLoadsAnywayWhenTheHolderNeverFillsTheTier() throws Exception {
        List<RedisDistributedTier<String, String>> nodes = twoNodes();
        assertThat(join(nodes.get(1).lease().tryAcquire("stuck", Duration.ofMinutes(1)))).isTrue();
        AtomicInteger sourceLoads = new AtomicInteger();
        CachedValue<String> fromDb = new CachedValue<>("listing", 1, Instant.EPOCH);
        var loader = RedisLease.singleFlight(nodes.get(0), key -> {
            sourceLoads.incrementAndGet();
            return CompletableFuture.completedFuture(Optional.of(fromDb));
        }, Duration.ofMinutes(1), new RedisLease.LeaseConfig(Duration.ofSeconds(5), Duration.ofMillis(10), 3));
        assertThat(join(loader.apply("stuck"))).contains(fromDb);
        assertThat(sourceLoads).hasValue(1);
        assertThat(join(nodes.get(1).get("stuck"))).as("and filled L2 for everyone").contains(fromDb);
    }

    @Test
    void onlyTheOwnerReleasesItsLease() throws Exception {
        List<RedisDistributedTier<String, String>> nodes = twoNodes();
        RedisLease<String> a = nodes.get(0).lease();
        RedisLease<String> b = nodes.get(1).lease();
        assertThat(join(a.tryAcquire("k", Duration.ofMinutes(1)))).isTrue();
        assertThat(join(b.tryAcquire("k", Duration.ofMinutes(1)))).isFalse();
        assertThat(join(b.release("k"))).isFalse();
        assertThat(join(b.tryAcquire("k", Duration.ofMinutes(1)))).as("b's release did not delete a's lease").isFalse();
        assertThat(join(a.release("k"))).isTrue();
        assertThat(join(b.tryAcquire("k", Duration.ofMinutes(1)))).isTrue();
    }

    @Test
    void aFailedLoadReleasesTheLeaseAndReachesTheCaller() throws Exception {
        List<RedisDistributedTier<String, String>> nodes = twoNodes();
        var loader = RedisLease.<String, String>singleFlight(nodes.get(0),
                key -> CompletableFuture.failedFuture(new IllegalStateException("database down")),
                Duration.ofMinutes(1), RedisLease.LeaseConfig.defaults());
        CompletableFuture<Optional<CachedValue<String>>> failed = loader.apply("k").toCompletableFuture();
        assertThat(failed).failsWithin(Duration.ofSeconds(30)).withThrowableThat()
                .havingRootCause().isInstanceOf(IllegalStateException.class).withMessage("database down");
        assertThat(join(nodes.get(1).lease().tryAcquire("k", Duration.ofMinutes(1)))).as("lease released").isTrue();
    }
}
