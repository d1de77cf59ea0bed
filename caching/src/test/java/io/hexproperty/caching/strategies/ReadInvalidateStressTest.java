package io.hexproperty.caching.strategies;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import com.github.benmanes.caffeine.cache.Ticker;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.layers.memory.MemoryTier;
import io.hexproperty.caching.layers.memory.MemoryTierConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * Randomized stress with an invariant, checked on every read: once an invalidation for version v of a
 * key has been processed (invalidate returned), no read of that key that starts afterwards returns a
 * version below v. Readers, writers (bump the version in a fake source, then write-through and/or
 * invalidate), tag and manual invalidations run on 8 threads over 32 hot keys; the loader reads the
 * source and then completes after a random delay on another thread, so loads are overtaken by writes.
 * Inputs are seeded; the ticker advances on every read, so entries expire, loads have a duration
 * and XFetch refreshes run too. Nothing sleeps.
 */
@Unit
class ReadInvalidateStressTest {

    private static final int KEYS = 32;
    private static final int THREADS = 8;
    private static final int OPS_PER_THREAD = 15_000; // 120,000 operations

    /** Advances 1 microsecond per reading, so fake time moves with the amount of work done. */
    private static final class CreepingTicker implements Ticker {
        private final AtomicLong nanos = new AtomicLong();

        @Override
        public long read() {
            return nanos.addAndGet(1_000);
        }
    }

    @Test
    void noReadReturnsAVersionOlderThanAnAlreadyProcessedInvalidation() throws Exception {
        AtomicLongArray source = new AtomicLongArray(KEYS);
        AtomicLongArray processed = new AtomicLongArray(KEYS);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TierMetrics metrics = TierMetrics.of(registry, "stress", "memory");
        MemoryTier<Integer, String> tier = MemoryTier.create(
                MemoryTierConfig.defaults().withMaximumSize(24).withTtl(Duration.ofMillis(50), 0.2)
                        .withStaleIfError(Duration.ofMillis(20)).withTombstones(Duration.ofSeconds(30), 1_000),
                metrics, new CreepingTicker(), new SplittableRandom(7)::nextDouble, Runnable::run);
        ExecutorService delays = Executors.newFixedThreadPool(3);
        AtomicLong loaderCalls = new AtomicLong();
        SplittableRandom loaderSeeds = new SplittableRandom(11);
        ReadThrough<Integer, String> cache = ReadThrough.<Integer, String>builder(tier, key -> {
                    long seed;
                    synchronized (loaderSeeds) { // never held across blocking; only splits a seed
                        seed = loaderSeeds.nextLong();
                    }
                    SplittableRandom r = new SplittableRandom(seed);
                    long version = source.get(key); // the read of the source...
                    loaderCalls.incrementAndGet();
                    if (r.nextInt(100) < 2) {
                        return CompletableFuture.failedFuture(new IllegalStateException("source hiccup"));
                    }
                    CachedValue<String> value = new CachedValue<>("k" + key + "v" + version, version, Instant.EPOCH);
                    if (r.nextBoolean()) {
                        return CompletableFuture.completedFuture(Optional.of(value));
                    }
                    int spins = r.nextInt(20_000);
                    return CompletableFuture.supplyAsync(() -> { // ...whose answer arrives later
                        for (int i = 0; i < spins; i++) {
                            if (i % 1000 == 0) {
                                Thread.yield();
                            }
                            Thread.onSpinWait();
                        }
                        return Optional.of(value);
                    }, delays);
                })
                .tags((key, value) -> Set.of("group:" + (key % 4)))
                .metrics(metrics)
                .uniform(new SplittableRandom(13)::nextDouble)
                .build();
        var writeThrough = WriteStrategy.<Integer, Long, String>writeThrough(tier,
                (key, version) -> CompletableFuture.completedFuture(StoreWrite.written("k" + key + "v" + version, version)));

        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicLong reads = new AtomicLong();
        AtomicLong failedReads = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService workers = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            SplittableRandom random = new SplittableRandom(1_000 + t);
            done.add(workers.submit(() -> {
                start.await();
                for (int op = 0; op < OPS_PER_THREAD; op++) {
                    int key = random.nextInt(KEYS);
                    int dice = random.nextInt(100);
                    if (dice < 75) {
                        long floor = processed.get(key);
                        try {
                            Optional<CachedValue<String>> got = cache.get(key).toCompletableFuture().join();
                            reads.incrementAndGet();
                            long version = got.orElseThrow().version();
                            if (version < floor) {
                                violations.add("key " + key + ": read v" + version + " after invalidation v" + floor);
                            }
                        } catch (CompletionException e) {
                            failedReads.incrementAndGet(); // loader hiccup with nothing stale to serve
                        }
                    } else if (dice < 97) {
                        long version = source.incrementAndGet(key);
                        if (random.nextBoolean()) {
                            writeThrough.write(key, version).toCompletableFuture().join();
                        }
                        tier.invalidate(key, version); // the change feed
                        processed.accumulateAndGet(key, version, Math::max);
                    } else if (dice < 99) {
                        tier.invalidateTag("group:" + random.nextInt(4));
                    } else {
                        tier.invalidate(key);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        try {
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            workers.shutdownNow();
            delays.shutdown();
        }
        assertThat(delays.awaitTermination(1, TimeUnit.MINUTES)).isTrue();

        assertThat(violations).as("invariant violations (first few)").isEmpty();
        for (int key = 0; key < KEYS; key++) {
            long floor = processed.get(key);
            tier.entry(key).ifPresent(e -> assertThat(e.value().version()).isGreaterThanOrEqualTo(floor));
        }
        // the run exercised what it claims to: overtaken loads refused, hits, evictions, expiry
        assertThat(reads.get()).isGreaterThan(80_000);
        assertThat(registry.get("cache.installs.refused").tag("reason", "tombstone").counter().count()).isPositive();
        assertThat(registry.get("cache.gets").tag("result", "hit").counter().count()).isPositive();
        assertThat(registry.get("cache.evictions").tag("cause", "size").counter().count()).isPositive();
        assertThat(loaderCalls.get()).isLessThan(reads.get());
    }
}
