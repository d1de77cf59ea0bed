package io.hexproperty.balancer.gateway.edge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The edge cache's storage: Caffeine bounded by bytes (W-TinyLFU), one entry per primary key (the target
 * URI) holding its variants (secondary keys, RFC 9111 4.1), an index from surrogate key to primary keys for
 * purges, and tombstones.
 *
 * <p>Why tombstones: a fill that left for the origin before an invalidation (an unsafe method through the
 * gateway, or a purge by surrogate key) may come back after it with the old representation. Every store
 * carries the ticker time its fill started; a store older than the last invalidation of its key, of any of
 * its surrogate keys, or of everything, is refused. Tombstones outlive any fill (the gateway's request
 * timeout is far below their 10 minutes), so none is dropped while it still matters.
 */
public final class EdgeStore {
    static final int MAX_VARIANTS = 16;
    private static final Duration TOMBSTONE = Duration.ofMinutes(10);

    private final Cache<String, List<StoredResponse>> entries;
    private final Cache<String, Long> tombstones;
    private final ConcurrentHashMap<String, Set<String>> byTag = new ConcurrentHashMap<>();
    private final LongSupplier nanoTicker;
    private volatile long allInvalidatedAt = Long.MIN_VALUE;

    public EdgeStore(long maxBytes, LongSupplier nanoTicker) {
        this.nanoTicker = nanoTicker;
        this.entries = Caffeine.newBuilder().maximumWeight(maxBytes)
                .weigher((String k, List<StoredResponse> v) -> k.length() + v.stream().mapToInt(StoredResponse::weight).sum())
                .executor(Runnable::run)
                .removalListener((String key, List<StoredResponse> variants, RemovalCause cause) -> {
                    if (key != null && variants != null && cause != RemovalCause.REPLACED) {
                        untag(key, variants);
                    }
                })
                .build();
        this.tombstones = Caffeine.newBuilder().expireAfterWrite(TOMBSTONE).maximumSize(1_000_000)
                .ticker(nanoTicker::getAsLong).build();
    }

    /** The stored variant of {@code key} that {@code request} selects, or null. */
    public StoredResponse lookup(String key, MultiMap request) {
        List<StoredResponse> variants = entries.getIfPresent(key);
        if (variants == null) {
            return null;
        }
        for (StoredResponse r : variants) {
            if (r.matches(request)) {
                return r;
            }
        }
        return null;
    }

    /** Ticker time now: what a fill records as its start. */
    public long now() {
        return nanoTicker.getAsLong();
    }

    /**
     * Stores {@code response} under {@code key}, replacing the variant with the same secondary key; refused
     * (false) when an invalidation happened after {@code fillStartedNanos}.
     */
    public boolean store(String key, StoredResponse response, long fillStartedNanos) {
        if (invalidatedSince(key, response.surrogateKeys(), fillStartedNanos)) {
            return false;
        }
        entries.asMap().compute(key, (k, old) -> {
            List<StoredResponse> next = new ArrayList<>(old == null ? 1 : old.size() + 1);
            next.add(response);
            if (old != null) {
                for (StoredResponse r : old) {
                    if (next.size() < MAX_VARIANTS && !(r.varyNames().equals(response.varyNames()) && r.varyValues().equals(response.varyValues()))) {
                        next.add(r);
                    }
                }
            }
            return List.copyOf(next);
        });
        for (String tag : response.surrogateKeys()) {
            byTag.computeIfAbsent(tag, t -> ConcurrentHashMap.newKeySet()).add(key);
        }
        // an invalidation that raced with the install above: checked again, and undone
        if (invalidatedSince(key, response.surrogateKeys(), fillStartedNanos)) {
            entries.invalidate(key);
            return false;
        }
        return true;
    }

    private boolean invalidatedSince(String key, Set<String> tags, long startedNanos) {
        if (allInvalidatedAt != Long.MIN_VALUE && allInvalidatedAt - startedNanos >= 0) {
            return true;
        }
        Long at = tombstones.getIfPresent("k " + key);
        if (at != null && at - startedNanos >= 0) {
            return true;
        }
        for (String tag : tags) {
            Long t = tombstones.getIfPresent("t " + tag);
            if (t != null && t - startedNanos >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Removes every variant of {@code key}; fills already under way are not stored. */
    public void invalidate(String key) {
        tombstones.put("k " + key, nanoTicker.getAsLong());
        entries.invalidate(key);
    }

    /** Removes every entry tagged with one of {@code tags}; returns how many primary keys went. */
    public int purge(Set<String> tags) {
        long at = nanoTicker.getAsLong();
        int removed = 0;
        for (String tag : tags) {
            tombstones.put("t " + tag, at);
            Set<String> keys = byTag.remove(tag);
            if (keys != null) {
                for (String key : keys) {
                    if (entries.asMap().remove(key) != null) {
                        removed++;
                    }
                }
            }
        }
        return removed;
    }

    public void purgeAll() {
        allInvalidatedAt = nanoTicker.getAsLong();
        entries.invalidateAll();
        byTag.clear();
    }

    private void untag(String key, List<StoredResponse> variants) {
        for (StoredResponse r : variants) {
            for (String tag : r.surrogateKeys()) {
                byTag.computeIfPresent(tag, (t, keys) -> {
                    keys.remove(key);
                    return keys.isEmpty() ? null : keys;
                });
            }
        }
    }

    public long entryCount() {
        return entries.estimatedSize();
    }

    public long weightedBytes() {
        return entries.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }
}
