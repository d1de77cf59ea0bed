package io.hexproperty.caching.invalidation;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.FakeTicker;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.layers.memory.MemoryTier;
import io.hexproperty.caching.layers.memory.MemoryTierConfig;
import io.hexproperty.domain.ListingChange;
import io.hexproperty.domain.ListingKey;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

@Unit
class ChangeFeedInvalidatorTest {

    private final MemoryTier<ListingKey, String> listings = MemoryTier.create(MemoryTierConfig.defaults(),
            TierMetrics.noop("listings", "memory"), new FakeTicker(), () -> 0.5, Runnable::run);
    private final MemoryTier<String, String> searches = MemoryTier.create(MemoryTierConfig.defaults(),
            TierMetrics.noop("searches", "memory"), new FakeTicker(), () -> 0.5, Runnable::run);
    private final ListingKey houston = ListingKey.of("L-1");
    private final long cell = 0x872830828ffffffL;

    private static CachedValue<String> v(long version) {
        return new CachedValue<>("x", version, Instant.EPOCH);
    }

    private ListingChange change(long sequence, ListingKey key, long version, ListingChange.Kind kind) {
        return new ListingChange(sequence, key, version, kind, "Houston", "TX", cell, Instant.EPOCH);
    }

    @Test
    void invalidatesTheListingAtItsVersionAndThePagesTaggedWithItsPlace() {
        listings.install(houston, v(3), Set.of());
        searches.install("q=houston", v(1), Set.of(CacheTag.city("Houston", "TX")));
        searches.install("q=cell", v(1), Set.of(CacheTag.h3(cell)));
        searches.install("q=dallas", v(1), Set.of(CacheTag.city("Dallas", "TX ")));
        var feed = new ChangeFeedInvalidator(listings, List.of(searches), 10);

        feed.accept(change(11, houston, 4, ListingChange.Kind.UPSERT));

        assertThat(listings.entry(houston)).isEmpty();
        assertThat(listings.install(houston, v(3), Set.of()).installed()).as("v3 is stale now").isFalse();
        assertThat(searches.entry("q=houston")).isEmpty();
        assertThat(searches.entry("q=cell")).isEmpty();
        assertThat(searches.entry("q=dallas")).isPresent();
        assertThat(feed.lastSequence()).isEqualTo(11);
        assertThat(CacheTag.city("Houston", "TX")).isEqualTo("city:houston-tx");
        assertThat(CacheTag.city(" St. Louis ", "MO")).isEqualTo("city:st-louis-mo");
        assertThat(CacheTag.h3(cell)).isEqualTo("h3:872830828ffffff");
    }

    @Test
    void aGapInTheSequenceFlushesEverything() {
        ListingKey other = ListingKey.of("L-2");
        listings.install(other, v(1), Set.of());
        searches.install("q=any", v(1), Set.of("unrelated"));
        var feed = new ChangeFeedInvalidator(listings, List.of(searches), 10);

        feed.accept(change(11, houston, 2, ListingChange.Kind.UPSERT));
        assertThat(listings.entry(other)).isPresent();
        feed.accept(change(13, houston, 4, ListingChange.Kind.DELETE)); // 12 was lost

        assertThat(feed.flushes()).isEqualTo(1);
        assertThat(listings.entry(other)).isEmpty();
        assertThat(searches.entry("q=any")).isEmpty();
        assertThat(feed.lastSequence()).isEqualTo(13);
        feed.accept(change(13, houston, 4, ListingChange.Kind.DELETE)); // redelivery: no flush
        assertThat(feed.flushes()).isEqualTo(1);
    }

    @Test
    void aLostConnectionFlushesAndForgetsThePosition() {
        listings.install(houston, v(1), Set.of());
        var feed = new ChangeFeedInvalidator(listings, List.of(searches), 10);
        feed.connectionLost();
        assertThat(listings.entry(houston)).isEmpty();
        assertThat(feed.lastSequence()).isEqualTo(-1);
        feed.accept(change(50, houston, 2, ListingChange.Kind.UPSERT));
        assertThat(feed.flushes()).as("no gap can be judged from an unknown position").isEqualTo(1);
        assertThat(feed.lastSequence()).isEqualTo(50);
    }
}
