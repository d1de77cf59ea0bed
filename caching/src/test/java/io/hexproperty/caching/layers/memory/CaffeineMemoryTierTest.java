package io.hexproperty.caching.layers.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.FakeTicker;
import io.hexproperty.caching.InstallOutcome;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.layers.memory.MemoryTier.LoadTicket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

@Unit
class CaffeineMemoryTierTest {

    private final FakeTicker ticker = new FakeTicker();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private CaffeineMemoryTier<String, String> tier(MemoryTierConfig config) {
        return new CaffeineMemoryTier<>(config, TierMetrics.of(registry, config.name(), "memory"), ticker,
                () -> 0.5, Runnable::run);
    }

    private CaffeineMemoryTier<String, String> tier() {
        return tier(MemoryTierConfig.defaults());
    }

    private static CachedValue<String> v(String value, long version) {
        return new CachedValue<>(value, version, Instant.EPOCH);
    }

    private static long version(MemoryTier<String, String> tier, String key) {
        return tier.entry(key).map(e -> e.value().version()).orElse(-1L);
    }

    private double refused(String reason) {
        var c = registry.find("cache.installs.refused").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void neverOverwritesNewerWithOlder() {
        var tier = tier();
        assertThat(tier.install("a", v("a5", 5), Set.of())).isEqualTo(InstallOutcome.INSTALLED);
        assertThat(tier.install("a", v("a4", 4), Set.of())).isEqualTo(InstallOutcome.REFUSED_OLDER);
        assertThat(tier.install("a", v("a5'", 5), Set.of())).isEqualTo(InstallOutcome.INSTALLED);
        assertThat(tier.install("a", v("a6", 6), Set.of())).isEqualTo(InstallOutcome.INSTALLED);
        assertThat(tier.entry("a").orElseThrow().value().value()).isEqualTo("a6");
        assertThat(refused("older")).isEqualTo(1);
    }

    @Test
    void versionedInvalidationDropsOlderAndRefusesItsReinstall() {
        var tier = tier();
        tier.install("a", v("a3", 3), Set.of());
        LoadTicket beforeInvalidation = tier.beginLoad();

        tier.invalidate("a", 4);

        assertThat(tier.entry("a")).isEmpty();
        assertThat(tier.install("a", v("a3", 3), Set.of(), beforeInvalidation))
                .isEqualTo(InstallOutcome.REFUSED_TOMBSTONE);
        assertThat(tier.install("a", v("a3", 3), Set.of())).isEqualTo(InstallOutcome.REFUSED_TOMBSTONE);
        assertThat(tier.install("a", v("a4", 4), Set.of(), beforeInvalidation)).isEqualTo(InstallOutcome.INSTALLED);
        assertThat(refused("tombstone")).isEqualTo(2);
    }

    @Test
    void versionedInvalidationKeepsAValueThatIsAlreadyCurrent() {
        var tier = tier();
        tier.install("a", v("a7", 7), Set.of());
        tier.invalidate("a", 7); // e.g. the change feed echoing this node's own write-through
        assertThat(version(tier, "a")).isEqualTo(7);
        tier.invalidate("a", 8);
        assertThat(tier.entry("a")).isEmpty();
    }

    @Test
    void aDeleteTombstoneOutranksTheLastVersion() {
        var tier = tier();
        tier.install("a", v("a9", 9), Set.of());
        LoadTicket racingRead = tier.beginLoad();
        tier.invalidate("a", 10); // delete of version 9 carries 10
        assertThat(tier.install("a", v("a9", 9), Set.of(), racingRead)).isEqualTo(InstallOutcome.REFUSED_TOMBSTONE);
        assertThat(tier.entry("a")).isEmpty();
    }

    @Test
    void tombstonesLiveForTheWindowAndLoadsLongerThanTheWindowAreRefused() {
        var tier = tier(MemoryTierConfig.defaults().withTombstones(Duration.ofSeconds(30), 1000));
        tier.invalidate("a", 4);
        ticker.advance(Duration.ofSeconds(29));
        assertThat(tier.install("a", v("a3", 3), Set.of())).isEqualTo(InstallOutcome.REFUSED_TOMBSTONE);
        LoadTicket slow = tier.beginLoad();
        ticker.advance(Duration.ofSeconds(31));
        assertThat(tier.install("a", v("a3", 3), Set.of(), slow)).isEqualTo(InstallOutcome.REFUSED_SLOW_LOAD);
        assertThat(tier.install("a", v("a3", 3), Set.of())).isEqualTo(InstallOutcome.INSTALLED);
    }

    @Test
    void manualInvalidationRefusesLoadsThatBeganBeforeIt() {
        var tier = tier();
        tier.install("a", v("a1", 1), Set.of());
        LoadTicket before = tier.beginLoad();
        tier.invalidate("a");
        LoadTicket after = tier.beginLoad();

        assertThat(tier.entry("a")).isEmpty();
        assertThat(tier.invalidatedSince("a", before)).isTrue();
        assertThat(tier.invalidatedSince("a", after)).isFalse();
        assertThat(tier.install("a", v("a1", 1), Set.of(), before)).isEqualTo(InstallOutcome.REFUSED_TOMBSTONE);
        assertThat(tier.install("a", v("a1", 1), Set.of(), after)).isEqualTo(InstallOutcome.INSTALLED);
    }

    @Test
    void tagInvalidationDropsTaggedEntriesAndRefusesTaggedLoadsInFlight() {
        var tier = tier();
        tier.install("h1", v("x", 1), Set.of("city:houston-tx", "h3:872830828ffffff"));
        tier.install("h2", v("x", 1), Set.of("city:houston-tx"));
        tier.install("d1", v("x", 1), Set.of("city:dallas-tx"));
        LoadTicket inFlight = tier.beginLoad();

        tier.invalidateTag("city:houston-tx");

        assertThat(tier.entry("h1")).isEmpty();
        assertThat(tier.entry("h2")).isEmpty();
        assertThat(tier.entry("d1")).isPresent();
        assertThat(tier.install("h3", v("x", 1), Set.of("city:houston-tx"), inFlight))
                .isEqualTo(InstallOutcome.REFUSED_TOMBSTONE);
        assertThat(tier.install("d2", v("x", 1), Set.of("city:dallas-tx"), inFlight))
                .isEqualTo(InstallOutcome.INSTALLED);
        assertThat(tier.install("h3", v("x", 1), Set.of("city:houston-tx"))).isEqualTo(InstallOutcome.INSTALLED);
    }

    @Test
    void tagIndexStaysConsistentUnderEvictionAndReinstall() {
        var tier = tier(MemoryTierConfig.defaults().withMaximumSize(10));
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 200; i++) {
                tier.install("k" + i, v("x", round), Set.of("t" + (i % 7), "all"));
            }
        }
        // everything that survived eviction must be reachable through its tag
        tier.invalidateTag("all");
        for (int i = 0; i < 200; i++) {
            assertThat(tier.entry("k" + i)).as("k" + i).isEmpty();
        }
        assertThat(tier.indexedTags()).as("index holds no keys of evicted entries").isZero();
        assertThat(registry.find("cache.evictions").tag("cause", "size").counter().count()).isGreaterThan(900);
    }

    @Test
    void invalidateAllDropsEverythingAndRefusesLoadsThatBeganBefore() {
        var tier = tier();
        tier.install("a", v("a", 1), Set.of("t"));
        tier.install("b", v("b", 1), Set.of());
        LoadTicket before = tier.beginLoad();
        tier.invalidateAll();
        assertThat(tier.entry("a")).isEmpty();
        assertThat(tier.entry("b")).isEmpty();
        assertThat(tier.install("c", v("c", 1), Set.of(), before)).isEqualTo(InstallOutcome.REFUSED_TOMBSTONE);
        assertThat(tier.install("c", v("c", 1), Set.of())).isEqualTo(InstallOutcome.INSTALLED);
        assertThat(tier.indexedTags()).isZero();
    }

    @Test
    void tombstoneOverflowCostsMissesNeverStaleness() {
        var tier = tier(MemoryTierConfig.defaults().withTombstones(Duration.ofSeconds(30), 2));
        LoadTicket before = tier.beginLoad();
        for (int i = 0; i < 20; i++) {
            tier.invalidate("k" + i, 5);
        }
        // some of these tombstones were evicted by size; a load from before them is refused anyway
        for (int i = 0; i < 20; i++) {
            assertThat(tier.install("k" + i, v("old", 4), Set.of(), before)).as("k" + i)
                    .isEqualTo(InstallOutcome.REFUSED_TOMBSTONE);
        }
    }

    @Test
    void ttlIsJitteredAndStaleValuesAreRetainedForStaleIfError() {
        MemoryTierConfig config = MemoryTierConfig.defaults().withTtl(Duration.ofSeconds(100), 0.2)
                .withStaleIfError(Duration.ofSeconds(50));
        double[] u = {0.0};
        var tier = new CaffeineMemoryTier<String, String>(config, TierMetrics.noop("t", "memory"), ticker,
                () -> u[0], Runnable::run);
        tier.install("low", v("x", 1), Set.of());
        u[0] = 0.999_999;
        tier.install("high", v("x", 1), Set.of());

        long now = ticker.read();
        assertThat(tier.entry("low").orElseThrow().freshUntilNanos() - now).isEqualTo(Duration.ofSeconds(80).toNanos());
        assertThat(tier.entry("high").orElseThrow().freshUntilNanos() - now)
                .isBetween(Duration.ofSeconds(119).toNanos(), Duration.ofSeconds(120).toNanos());

        ticker.advance(Duration.ofSeconds(81));
        assertThat(tier.entry("low").orElseThrow().isFresh(ticker.read())).isFalse();
        assertThat(tier.entry("high").orElseThrow().isFresh(ticker.read())).isTrue();
        ticker.advance(Duration.ofSeconds(50));
        assertThat(tier.entry("low")).as("past ttl + staleIfError").isEmpty();
        assertThat(tier.entry("high")).isPresent();
    }

    @Test
    void hottestReturnsTheMostUsedEntries() {
        var tier = tier();
        for (int i = 0; i < 50; i++) {
            tier.install("k" + i, v("x", 1), Set.of());
        }
        for (int r = 0; r < 20; r++) {
            tier.entry("k7");
            tier.entry("k3");
        }
        assertThat(tier.hottest(2).keySet()).containsExactlyInAnyOrder("k7", "k3");
    }

    @Test
    void configRejectsNonsense() {
        assertThatThrownBy(() -> MemoryTierConfig.defaults().withTtl(Duration.ZERO, 0.1))
                .hasMessageContaining("ttl must be > 0");
        assertThatThrownBy(() -> MemoryTierConfig.defaults().withTtl(Duration.ofSeconds(1), 1.5))
                .hasMessageContaining("ttlJitter must be in [0, 1), was 1.5");
        assertThatThrownBy(() -> MemoryTierConfig.defaults().withMaximumSize(0))
                .hasMessageContaining("maximumSize must be >= 1");
    }
}
