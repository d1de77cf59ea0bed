package io.hexproperty.benchmarks;

import io.hexproperty.testing.ZipfSampler;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.layers.memory.MemoryTier;
import io.hexproperty.caching.layers.memory.MemoryTierConfig;
import io.hexproperty.caching.strategies.ReadThrough;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.http.ListingJsonAccess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The L1 hit path: {@link MemoryTier#entry(Object)} plus the freshness check that
 * {@code ReadThrough.getIfFresh} does, against raw Caffeine {@code getIfPresent} on the same keys.
 * Target: the tier's hit at >= 90% of raw Caffeine's throughput.
 *
 * <p>100,000 listing keys with pre-encoded JSON values (the bytes the HTTP layer would send), every key
 * installed before measuring (a fully warmed cache: every lookup is a hit), looked up with Zipf
 * popularity (s = 0.99). Baselines:
 * <ul>
 *   <li>{@code caffeine}: {@code maximumSize} only, the cheapest Caffeine there is;</li>
 *   <li>{@code caffeineVariableExpiry}: {@code maximumSize} plus a variable {@code Expiry} as the tier
 *       configures it (its reads go through the timer wheel), so the tier's own overhead shows apart
 *       from the cost of per-entry expiry;</li>
 *   <li>{@code caffeineSameEntries}: the tier's own entry objects in a plain Caffeine with that expiry,
 *       dereferenced down to the bytes as the tier's hit does: layout cost without the tier's logic;</li>
 *   <li>{@code readThroughGetIfFresh}: the full strategy hit with metrics in a real registry (hit counter,
 *       served-age timer with a percentile histogram), what a request really pays.</li>
 * </ul>
 *
 * <pre>
 * export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
 * ./mvnw -q -o -pl benchmarks -am package -DskipTests
 * $JAVA_HOME/bin/java -jar benchmarks/target/benchmarks.jar MemoryTierHitBenchmark -wi 3 -w 1s -i 5 -r 1s -f 3
 * # two threads contending on the same cache:
 * $JAVA_HOME/bin/java -jar benchmarks/target/benchmarks.jar MemoryTierHitBenchmark -wi 3 -w 1s -i 5 -r 1s -f 3 -t 2
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class MemoryTierHitBenchmark {
    static final int KEYS = 100_000;
    private static final int TRACE = 1 << 20;

    /** The caches, shared by all benchmark threads. */
    @State(Scope.Benchmark)
    public static class Caches {
        ListingKey[] keys;
        int[] trace;
        Cache<ListingKey, byte[]> caffeine;
        Cache<ListingKey, byte[]> caffeineVariableExpiry;
        Cache<ListingKey, MemoryTier.Entry<byte[]>> caffeineEntries;
        MemoryTier<ListingKey, byte[]> tier;
        ReadThrough<ListingKey, byte[]> readThrough;

        @Setup(Level.Trial)
        public void setUp() {
            Listing[] listings = ListingFixture.generate(KEYS, 42);
            keys = new ListingKey[KEYS];
            byte[][] values = new byte[KEYS][];
            for (int i = 0; i < KEYS; i++) {
                keys[i] = listings[i].listingKey();
                values[i] = ListingJsonAccess.encode(listings[i]).getBytes();
            }
            trace = ZipfSampler.of(KEYS, ZipfSampler.DEFAULT_SKEW, 7).trace(TRACE);

            long maximumSize = KEYS + KEYS / 10;
            caffeine = Caffeine.newBuilder().maximumSize(maximumSize).build();
            caffeineVariableExpiry = Caffeine.newBuilder().maximumSize(maximumSize)
                    .expireAfter(new FixedExpiry<byte[]>(Duration.ofMinutes(6))).build();
            caffeineEntries = Caffeine.newBuilder().maximumSize(maximumSize)
                    .expireAfter(new FixedExpiry<MemoryTier.Entry<byte[]>>(Duration.ofMinutes(6))).build();
            tier = MemoryTier.create(MemoryTierConfig.defaults().withName("bench").withMaximumSize(maximumSize),
                    TierMetrics.noop("bench", "memory"));
            TierMetrics metrics = TierMetrics.of(new SimpleMeterRegistry(), "bench", "memory");
            readThrough = ReadThrough.builder(tier,
                    (ListingKey key) -> CompletableFuture.<Optional<CachedValue<byte[]>>>failedFuture(
                            new IllegalStateException("a fully warmed cache must not load " + key)))
                    .metrics(metrics)
                    .build();
            Instant now = Instant.now();
            for (int i = 0; i < KEYS; i++) {
                caffeine.put(keys[i], values[i]);
                caffeineVariableExpiry.put(keys[i], values[i]);
                CachedValue<byte[]> value = new CachedValue<>(values[i], listings[i].version(), now);
                tier.install(keys[i], value, Set.of());
                caffeineEntries.put(keys[i], tier.entry(keys[i]).orElseThrow());
            }
            caffeine.cleanUp();
            caffeineVariableExpiry.cleanUp();
            caffeineEntries.cleanUp();
            for (ListingKey key : keys) {
                if (caffeine.getIfPresent(key) == null || caffeineVariableExpiry.getIfPresent(key) == null
                        || caffeineEntries.getIfPresent(key) == null
                        || readThrough.getIfFresh(key).isEmpty()) {
                    throw new IllegalStateException("cache not fully warmed: " + key + " missing; tier holds "
                            + tier.estimatedSize() + " of " + KEYS);
                }
            }
        }
    }

    /** Each thread walks the shared Zipf trace from its own offset. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            next = (int) (Thread.currentThread().threadId() * 7919) & (TRACE - 1);
        }

        ListingKey key(Caches c) {
            return c.keys[c.trace[next++ & (TRACE - 1)]];
        }
    }

    @Benchmark
    public byte[] caffeine(Caches c, Cursor cursor) {
        return c.caffeine.getIfPresent(cursor.key(c));
    }

    @Benchmark
    public byte[] caffeineVariableExpiry(Caches c, Cursor cursor) {
        return c.caffeineVariableExpiry.getIfPresent(cursor.key(c));
    }

    /**
     * The tier's own objects (Entry -> CachedValue -> bytes) in a plain Caffeine with the same expiry, read
     * and checked for freshness the same way: the data layout's cost without the tier's logic (stamp
     * check, Optional), so the gap between this and {@link #tierEntryIfFresh} is the tier's code alone.
     */
    @Benchmark
    public byte[] caffeineSameEntries(Caches c, Cursor cursor) {
        MemoryTier.Entry<byte[]> e = c.caffeineEntries.getIfPresent(cursor.key(c));
        return e != null && e.isFresh(System.nanoTime()) ? e.value().value() : null;
    }

    /** What {@code getIfFresh} does minus metrics and refresh-ahead: entry, ticker read, freshness. */
    @Benchmark
    public byte[] tierEntryIfFresh(Caches c, Cursor cursor) {
        Optional<MemoryTier.Entry<byte[]>> entry = c.tier.entry(cursor.key(c));
        if (entry.isEmpty()) {
            return null;
        }
        MemoryTier.Entry<byte[]> e = entry.get();
        return e.isFresh(c.tier.ticker().read()) ? e.value().value() : null;
    }

    @Benchmark
    public byte[] readThroughGetIfFresh(Caches c, Cursor cursor) {
        Optional<CachedValue<byte[]>> hit = c.readThrough.getIfFresh(cursor.key(c));
        return hit.isPresent() ? hit.get().value() : null;
    }

    private record FixedExpiry<V>(Duration ttl) implements Expiry<ListingKey, V> {
        @Override
        public long expireAfterCreate(ListingKey key, V value, long currentTime) {
            return ttl.toNanos();
        }

        @Override
        public long expireAfterUpdate(ListingKey key, V value, long currentTime, long currentDuration) {
            return ttl.toNanos();
        }

        @Override
        public long expireAfterRead(ListingKey key, V value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
