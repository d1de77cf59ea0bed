package io.hexproperty.caching.layers.memory;

import com.github.benmanes.caffeine.cache.Ticker;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.InstallOutcome;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.invalidation.Invalidator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The in-process (L1) tier: a size-bounded W-TinyLFU map of versioned values with tags, tombstones and
 * TTL with jitter. It never loads anything itself; a strategy ({@code ReadThrough}) asks it for entries
 * and offers it values. Two rules make it correct:
 * <ul>
 *   <li>never overwrite newer with older: an install below the cached version is refused;</li>
 *   <li>never re-cache a stale value after an invalidation: an install below a tombstone's version, or
 *       from a load that began before a manual, tag or full invalidation, is refused.</li>
 * </ul>
 * A load therefore starts with {@link #beginLoad()} and installs with the ticket it got.
 */
public interface MemoryTier<K, V> extends Invalidator<K> {

    /** A tier with the system ticker, thread-local random jitter and the common pool for maintenance. */
    static <K, V> MemoryTier<K, V> create(MemoryTierConfig config, TierMetrics metrics) {
        return create(config, metrics, Ticker.systemTicker(), () -> ThreadLocalRandom.current().nextDouble(),
                ForkJoinPool.commonPool());
    }

    /**
     * @param uniform   a thread-safe source of uniform doubles in [0, 1) for TTL jitter
     * @param executor  where Caffeine runs maintenance; {@code Runnable::run} makes tests deterministic
     */
    static <K, V> MemoryTier<K, V> create(MemoryTierConfig config, TierMetrics metrics, Ticker ticker,
                                          DoubleSupplier uniform, Executor executor) {
        return new CaffeineMemoryTier<>(config, metrics, ticker, uniform, executor, null);
    }

    /**
     * A tier bounded by bytes: {@code weigher} sizes each value, and the tier keeps at most
     * {@code config.maximumWeight()} in total (which must be set). For values whose sizes vary widely, where
     * a count bound would let a few thousand large entries outgrow the heap.
     */
    static <K, V> MemoryTier<K, V> weighed(MemoryTierConfig config, java.util.function.ToIntFunction<V> weigher,
                                           TierMetrics metrics, Executor executor) {
        if (!config.weighed()) {
            throw new IllegalArgumentException("a weighed tier needs maximumWeight > 0 in " + config);
        }
        return new CaffeineMemoryTier<>(config, metrics, Ticker.systemTicker(), () -> ThreadLocalRandom.current().nextDouble(),
                executor, java.util.Objects.requireNonNull(weigher, "weigher"));
    }

    /** The entry for the key, fresh or stale-but-retained (for stale-if-error); no metrics recorded. */
    Optional<Entry<V>> entry(K key);

    /** Call before reading the source; pass the ticket to {@link #install(Object, CachedValue, Set, LoadTicket)}. */
    LoadTicket beginLoad();

    /** Installs a value read with {@code ticket}, if no rule refuses it. */
    InstallOutcome install(K key, CachedValue<V> value, Set<String> tags, LoadTicket ticket);

    /** Installs a value just written to the store (write-through): only the version rules apply. */
    default InstallOutcome install(K key, CachedValue<V> value, Set<String> tags) {
        return install(key, value, tags, beginLoad());
    }

    /**
     * True when an invalidation that concerns {@code key} happened after {@code ticket} was issued, so a
     * load holding that ticket may have read data that is now stale and must not be shared with new readers.
     */
    boolean invalidatedSince(K key, LoadTicket ticket);

    /**
     * The lowest version a load of the key may return without being stale: the highest of the key's
     * tombstone version and its cached version (fresh or stale), or -1 when neither exists.
     */
    long minimumVersion(K key);

    /** The n most frequently used entries, hottest first (Caffeine's eviction policy order). */
    Map<K, Entry<V>> hottest(int n);

    long estimatedSize();

    /** The summed weight of the entries of a weighed tier (bytes); the entry count otherwise. */
    long weightedSize();

    Ticker ticker();

    MemoryTierConfig config();

    /** Issued by {@link #beginLoad()}: the invalidation stamp and ticker time when a load began. */
    record LoadTicket(long stamp, long startNanos) {}

    /**
     * A cached value with its tags, the ticker time until which it is fresh and until which it is kept
     * for stale-if-error, and how long its load took (XFetch's delta: slow loads are refreshed earlier).
     * {@code loadStamp} and {@code installId} are the tier's bookkeeping (full invalidation, tag index).
     */
    record Entry<V>(CachedValue<V> value, Set<String> tags, long freshUntilNanos, long retainUntilNanos,
                    long loadNanos, long loadStamp, long installId) {
        public boolean isFresh(long nowNanos) {
            return nowNanos - freshUntilNanos < 0;
        }
    }
}
