package io.hexproperty.caching.layers.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.InstallOutcome;
import io.hexproperty.caching.TierMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * Caffeine-backed {@link MemoryTier}.
 *
 * <p>Design. Every mutation of one key (install, invalidate, eviction) runs inside Caffeine's per-key
 * {@code compute}, so the version rules are checked and applied atomically against the current entry
 * and the key's tombstone. The lambdas only read and write in-memory maps; nothing blocks inside them,
 * so the map's bin lock (a {@code synchronized} in ConcurrentHashMap) is held for nanoseconds and cannot
 * pin a virtual thread across I/O. Loading happens outside, in the strategy.
 *
 * <p>Stamps order invalidations against loads: every invalidation takes a new stamp from a counter
 * after the source was changed; a load takes the current stamp before reading the source. A load whose
 * stamp is below a manual invalidation's stamp may have read data from before it, so it is refused.
 * Versioned invalidations need no stamps for installs: the version says it all.
 *
 * <p>Tags. The tag index maps tag -> (key -> installId). An install adds its tags to the index before
 * it checks the tag tombstones; {@code invalidateTag} writes the tag tombstone before it scans the
 * index. So either the install sees the tombstone and refuses, or the scan sees the key and removes
 * it: no interleaving leaves a stale tagged value. Removals from the index are conditional on the
 * installId, so an eviction of an old entry never unindexes the newer entry of the same key; the index
 * may briefly hold keys that are gone (harmless), never miss a cached key.
 *
 * <p>invalidateAll raises {@code allStamp}; entries loaded before it are invisible from then on, even if
 * a racing install put them back while the cache was being cleared.
 */
final class CaffeineMemoryTier<K, V> implements MemoryTier<K, V> {

    private final MemoryTierConfig config;
    private final TierMetrics metrics;
    private final Ticker ticker;
    private final DoubleSupplier uniform;
    private final Cache<K, Entry<V>> cache;
    private final ConcurrentMap<K, Entry<V>> map;
    private final ConcurrentMap<K, Tombstone> tombstones;
    private final ConcurrentMap<String, Long> tagTombstones;
    private final ConcurrentHashMap<String, ConcurrentHashMap<K, Long>> tagIndex = new ConcurrentHashMap<>();
    private final AtomicLong stamps = new AtomicLong(1);
    private final AtomicLong allStamp = new AtomicLong();
    private final AtomicLong anyTagStamp = new AtomicLong();
    private final AtomicLong floorStamp = new AtomicLong();
    private final AtomicLong installIds = new AtomicLong();
    private final long ttlNanos;
    private final long staleNanos;
    private final long windowNanos;

    CaffeineMemoryTier(MemoryTierConfig config, TierMetrics metrics, Ticker ticker, DoubleSupplier uniform,
                       Executor executor) {
        this(config, metrics, ticker, uniform, executor, null);
    }

    CaffeineMemoryTier(MemoryTierConfig config, TierMetrics metrics, Ticker ticker, DoubleSupplier uniform,
                       Executor executor, java.util.function.ToIntFunction<V> weigher) {
        this.config = config;
        this.metrics = metrics;
        this.ticker = ticker;
        this.uniform = uniform;
        this.ttlNanos = config.ttl().toNanos();
        this.staleNanos = config.staleIfError().toNanos();
        this.windowNanos = config.tombstoneWindow().toNanos();
        Caffeine<K, Entry<V>> bounded = weigher == null
                ? Caffeine.newBuilder().maximumSize(config.maximumSize()).expireAfter(new RetainUntil<K, V>())
                // The entry's own bookkeeping (record, tags, key) is counted as a flat 256 bytes.
                : Caffeine.newBuilder().maximumWeight(config.maximumWeight())
                        .weigher((K key, Entry<V> entry) -> saturatedAdd(weigher.applyAsInt(entry.value().value()), 256))
                        .expireAfter(new RetainUntil<K, V>());
        this.cache = bounded
                .ticker(ticker)
                .executor(executor)
                .evictionListener((K key, Entry<V> entry, RemovalCause cause) -> {
                    if (key != null && entry != null) {
                        unindex(key, entry, Set.of());
                    }
                    metrics.eviction(cause.name());
                })
                .build();
        this.map = cache.asMap();
        this.tombstones = Caffeine.newBuilder()
                .maximumSize(config.maximumTombstones())
                .expireAfterWrite(config.tombstoneWindow())
                .ticker(ticker)
                .executor(executor)
                .<K, Tombstone>evictionListener((key, tombstone, cause) -> {
                    if (cause == RemovalCause.SIZE && tombstone != null) {
                        raiseFloor(tombstone.lastStamp());
                    }
                })
                .build().asMap();
        this.tagTombstones = Caffeine.newBuilder()
                .maximumSize(config.maximumTombstones())
                .expireAfterWrite(config.tombstoneWindow())
                .ticker(ticker)
                .executor(executor)
                .<String, Long>evictionListener((tag, stamp, cause) -> {
                    if (cause == RemovalCause.SIZE && stamp != null) {
                        raiseFloor(stamp);
                    }
                })
                .build().asMap();
        metrics.gauge("cache.size", cache::estimatedSize);
        if (weigher != null) {
            metrics.gauge("cache.weight", this::weightedSize);
        }
    }

    private static int saturatedAdd(int a, int b) {
        long sum = (long) a + b;
        return sum > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) sum;
    }

    @Override
    public long weightedSize() {
        return cache.policy().eviction().flatMap(e -> e.weightedSize().isPresent()
                ? java.util.Optional.of(e.weightedSize().getAsLong()) : java.util.Optional.empty())
                .orElseGet(cache::estimatedSize);
    }

    @Override
    public Optional<Entry<V>> entry(K key) {
        Entry<V> e = cache.getIfPresent(key);
        if (e == null) {
            return Optional.empty();
        }
        if (e.loadStamp() < allStamp.get()) {
            map.computeIfPresent(key, (k, old) -> old == e ? dropped(k, old) : old);
            return Optional.empty();
        }
        return Optional.of(e);
    }

    @Override
    public LoadTicket beginLoad() {
        return new LoadTicket(stamps.get(), ticker.read());
    }

    @Override
    public InstallOutcome install(K key, CachedValue<V> value, Set<String> tags, LoadTicket ticket) {
        long now = ticker.read();
        InstallOutcome outcome;
        if (now - ticket.startNanos() > windowNanos) {
            outcome = InstallOutcome.REFUSED_SLOW_LOAD;
        } else if (ticket.stamp() < allStamp.get() || ticket.stamp() < floorStamp.get()) {
            outcome = InstallOutcome.REFUSED_TOMBSTONE; // fast path; both are checked again below
        } else {
            Set<String> tagSet = Set.copyOf(tags);
            InstallOutcome[] result = new InstallOutcome[1];
            map.compute(key, (k, current) -> {
                Entry<V> old = current != null && current.loadStamp() < allStamp.get() ? null : current;
                Tombstone tombstone = tombstones.get(k);
                if (tombstone != null && tombstone.refuses(value.version(), ticket.stamp())) {
                    result[0] = InstallOutcome.REFUSED_TOMBSTONE;
                    return current;
                }
                if (old != null && old.value().version() > value.version()) {
                    result[0] = InstallOutcome.REFUSED_OLDER;
                    return current;
                }
                Entry<V> fresh = newEntry(value, tagSet, now, now - ticket.startNanos(), ticket.stamp());
                index(k, fresh);
                // the floor is read after the tombstone lookups: a tombstone evicted by size raises the
                // floor (in the eviction listener) before it disappears, so one of the two reads sees it
                if (taggedSince(tagSet, ticket.stamp()) || ticket.stamp() < floorStamp.get()) {
                    unindex(k, fresh, Set.of());
                    if (current != null) {
                        index(k, current); // fresh overwrote current's installId on shared tags
                    }
                    result[0] = InstallOutcome.REFUSED_TOMBSTONE;
                    return current;
                }
                if (current != null) {
                    unindex(k, current, tagSet);
                }
                result[0] = InstallOutcome.INSTALLED;
                return fresh;
            });
            outcome = result[0];
        }
        if (!outcome.installed()) {
            metrics.refusedInstall(outcome.reason());
        }
        return outcome;
    }

    @Override
    public boolean invalidatedSince(K key, LoadTicket ticket) {
        long latest = Math.max(Math.max(allStamp.get(), anyTagStamp.get()), floorStamp.get());
        Tombstone tombstone = tombstones.get(key);
        if (tombstone != null) {
            latest = Math.max(latest, tombstone.lastStamp());
        }
        return ticket.stamp() < latest;
    }

    @Override
    public long minimumVersion(K key) {
        Tombstone tombstone = tombstones.get(key);
        long floor = tombstone == null ? -1 : tombstone.minVersion();
        Entry<V> e = cache.policy().getIfPresentQuietly(key); // not a use: keep the frequency sketch honest
        if (e != null && e.loadStamp() >= allStamp.get()) {
            floor = Math.max(floor, e.value().version());
        }
        return floor;
    }

    @Override
    public void invalidate(K key, long version) {
        long stamp = stamps.incrementAndGet();
        map.compute(key, (k, old) -> {
            tombstones.merge(k, Tombstone.versioned(version, stamp), Tombstone::merge);
            return old != null && old.value().version() < version ? dropped(k, old) : old;
        });
    }

    @Override
    public void invalidate(K key) {
        long stamp = stamps.incrementAndGet();
        map.compute(key, (k, old) -> {
            tombstones.merge(k, Tombstone.manual(stamp), Tombstone::merge);
            return old == null ? null : dropped(k, old);
        });
    }

    @Override
    public void invalidateTag(String tag) {
        long stamp = stamps.incrementAndGet();
        tagTombstones.merge(tag, stamp, Math::max);
        anyTagStamp.accumulateAndGet(stamp, Math::max);
        ConcurrentHashMap<K, Long> keys = tagIndex.get(tag);
        if (keys == null) {
            return;
        }
        for (Map.Entry<K, Long> indexed : keys.entrySet()) {
            long installId = indexed.getValue();
            map.compute(indexed.getKey(), (k, old) -> {
                if (old != null && old.tags().contains(tag)) {
                    return dropped(k, old);
                }
                if (old == null || old.installId() != installId) {
                    unindexTag(tag, k, installId); // left behind by a removal that bypassed the listener
                }
                return old;
            });
        }
    }

    @Override
    public void invalidateAll() {
        allStamp.accumulateAndGet(stamps.incrementAndGet(), Math::max);
        for (K key : map.keySet()) {
            map.computeIfPresent(key, this::dropped);
        }
    }

    @Override
    public Map<K, Entry<V>> hottest(int n) {
        Map<K, Entry<V>> hot = cache.policy().eviction().orElseThrow().hottest(n);
        long all = allStamp.get();
        Map<K, Entry<V>> visible = new LinkedHashMap<>();
        hot.forEach((k, e) -> {
            if (e.loadStamp() >= all) {
                visible.put(k, e);
            }
        });
        return visible;
    }

    @Override
    public long estimatedSize() {
        return cache.estimatedSize();
    }

    @Override
    public Ticker ticker() {
        return ticker;
    }

    @Override
    public MemoryTierConfig config() {
        return config;
    }

    private Entry<V> newEntry(CachedValue<V> value, Set<String> tags, long now, long loadNanos, long loadStamp) {
        double jitter = config.ttlJitter() * (2 * uniform.getAsDouble() - 1);
        long fresh = now + Math.max(1, (long) (ttlNanos * (1 + jitter)));
        return new Entry<>(value, tags, fresh, fresh + staleNanos, Math.max(0, loadNanos), loadStamp,
                installIds.incrementAndGet());
    }

    private boolean taggedSince(Set<String> tags, long loadStamp) {
        for (String tag : tags) {
            Long stamp = tagTombstones.get(tag);
            if (stamp != null && loadStamp < stamp) {
                return true;
            }
        }
        return false;
    }

    /** Unindexes an entry being removed; returns null so it can end a compute. */
    private Entry<V> dropped(K key, Entry<V> old) {
        unindex(key, old, Set.of());
        return null;
    }

    private void index(K key, Entry<V> entry) {
        for (String tag : entry.tags()) {
            tagIndex.compute(tag, (t, keys) -> {
                ConcurrentHashMap<K, Long> m = keys == null ? new ConcurrentHashMap<>() : keys;
                m.put(key, entry.installId());
                return m;
            });
        }
    }

    private void unindex(K key, Entry<V> entry, Set<String> keep) {
        for (String tag : entry.tags()) {
            if (!keep.contains(tag)) {
                unindexTag(tag, key, entry.installId());
            }
        }
    }

    private void unindexTag(String tag, K key, long installId) {
        tagIndex.computeIfPresent(tag, (t, keys) -> {
            keys.remove(key, installId);
            return keys.isEmpty() ? null : keys;
        });
    }

    private void raiseFloor(long stamp) {
        floorStamp.accumulateAndGet(stamp, Math::max);
    }

    /** Number of tags currently indexed; for tests of index hygiene. */
    int indexedTags() {
        return tagIndex.size();
    }

    private static final class RetainUntil<K, V> implements Expiry<K, Entry<V>> {
        @Override
        public long expireAfterCreate(K key, Entry<V> entry, long currentTime) {
            return Math.max(0, entry.retainUntilNanos() - currentTime);
        }

        @Override
        public long expireAfterUpdate(K key, Entry<V> entry, long currentTime, long currentDuration) {
            return Math.max(0, entry.retainUntilNanos() - currentTime);
        }

        @Override
        public long expireAfterRead(K key, Entry<V> entry, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
