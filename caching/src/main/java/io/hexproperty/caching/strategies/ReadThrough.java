package io.hexproperty.caching.strategies;

import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.VersionedLoader;
import io.hexproperty.caching.layers.memory.MemoryTier;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * Read-through over a {@link MemoryTier} and an asynchronous loader: a fresh hit is answered at once;
 * concurrent misses for one key share one load (single-flight); a hit close to expiry may start a
 * background refresh (XFetch probabilistic early refresh); a failed load answers with the stale value
 * while it is within the tier's stale-if-error window.
 *
 * <p>Cache-aside is the same tier used by hand: {@code tier.entry(key)}, on a miss
 * {@code ticket = tier.beginLoad()}, read the source, {@code tier.install(key, value, tags, ticket)}.
 *
 * <pre>{@code
 * ReadThrough<ListingKey, byte[]> listings = ReadThrough.builder(tier, key -> store.findEncoded(key))
 *         .tags((key, bytes) -> Set.of("city:houston-tx"))
 *         .metrics(TierMetrics.of(registry, "listings", "memory"))
 *         .build();
 * listings.get(key).thenAccept(found -> ...);
 * }</pre>
 */
public interface ReadThrough<K, V> {

    /** The value for the key: from the tier if fresh, else from the (shared) load. Empty when the source has none. */
    CompletionStage<Optional<CachedValue<V>>> get(K key);

    /** The value if it is cached and fresh, without loading; for answering hits on an event loop. */
    Optional<CachedValue<V>> getIfFresh(K key);

    MemoryTier<K, V> tier();

    static <K, V> Builder<K, V> builder(MemoryTier<K, V> tier,
                                        Function<K, CompletionStage<Optional<CachedValue<V>>>> loader) {
        return new Builder<>(tier, VersionedLoader.of(Objects.requireNonNull(loader, "loader")));
    }

    /**
     * With a loader that is told the version this node already knows of the key (its tombstone or cached
     * version): a source with lagging copies (L2, replicas) answers from one that has it.
     */
    static <K, V> Builder<K, V> builder(MemoryTier<K, V> tier, VersionedLoader<K, V> loader) {
        return new Builder<>(tier, loader);
    }

    /** Settings with their defaults; {@link #build()} validates them. */
    final class Builder<K, V> {
        final MemoryTier<K, V> tier;
        final VersionedLoader<K, V> loader;
        BiFunction<K, V, Set<String>> tags = (k, v) -> Set.of();
        double refreshAheadBeta = 1.0;
        int staleLoadRetries = 2;
        DoubleSupplier uniform = () -> ThreadLocalRandom.current().nextDouble();
        Clock clock = Clock.systemUTC();
        TierMetrics metrics;
        int servedAgeSampling = 8;

        private Builder(MemoryTier<K, V> tier, VersionedLoader<K, V> loader) {
            this.tier = Objects.requireNonNull(tier, "tier");
            this.loader = Objects.requireNonNull(loader, "loader");
        }

        /** The tags of a loaded value, for {@code invalidateTag}. Default: none. */
        public Builder<K, V> tags(BiFunction<K, V, Set<String>> value) {
            this.tags = Objects.requireNonNull(value, "tags");
            return this;
        }

        /**
         * XFetch beta: how eagerly to refresh before expiry (1.0 is the paper's optimum, larger is
         * earlier, 0 turns refresh-ahead off). Default 1.0.
         */
        public Builder<K, V> refreshAheadBeta(double value) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("refreshAheadBeta must be finite and >= 0, was " + value);
            }
            this.refreshAheadBeta = value;
            return this;
        }

        /**
         * How many times a load that returned a version below one this node already knows is retried
         * before the get fails with {@link StaleLoadException}. A {@link VersionedLoader} is told that
         * version and answers from a copy that has it, so with one this only guards against a loader
         * that breaks its contract. Default 2.
         */
        public Builder<K, V> staleLoadRetries(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("staleLoadRetries must be >= 0, was " + value);
            }
            this.staleLoadRetries = value;
            return this;
        }

        /** Thread-safe uniform doubles in [0, 1) for XFetch; injected by tests. Default: ThreadLocalRandom. */
        public Builder<K, V> uniform(DoubleSupplier value) {
            this.uniform = Objects.requireNonNull(value, "uniform");
            return this;
        }

        /** The clock that served-value age is measured with (against {@code loadedAt}). Default: UTC system clock. */
        public Builder<K, V> clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Default: no-op meters named after the tier. */
        /**
         * Record the served-age histogram on one in {@code everyNth} fresh hits (default 8; 1 = every hit).
         * The histogram is a distribution, so a sample describes it; every hit would cost as much as the lookup.
         */
        public Builder<K, V> servedAgeSampling(int everyNth) {
            if (everyNth < 1 || Integer.bitCount(everyNth) != 1) {
                throw new IllegalArgumentException("servedAgeSampling must be a power of two >= 1, was " + everyNth);
            }
            this.servedAgeSampling = everyNth;
            return this;
        }

        public Builder<K, V> metrics(TierMetrics value) {
            this.metrics = Objects.requireNonNull(value, "metrics");
            return this;
        }

        public ReadThrough<K, V> build() {
            TierMetrics m = metrics != null ? metrics : TierMetrics.noop(tier.config().name(), "memory");
            return new SingleFlightReadThrough<>(tier, loader, tags, refreshAheadBeta, staleLoadRetries, uniform, clock, m,
                    servedAgeSampling - 1);
        }
    }
}
