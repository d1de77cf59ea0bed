package io.hexproperty.caching.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.VersionedLoader;
import io.hexproperty.caching.InstallOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DistributedTier} adapter must do; an adapter's test extends this and supplies a
 * fresh, empty tier with a 30 s tombstone window. (The Redis adapter's test should extend it too.)
 */
public abstract class DistributedTierContract {

    protected abstract DistributedTier<String, String> tier();

    private static CachedValue<String> v(String s, long version) {
        return new CachedValue<>(s, version, Instant.EPOCH);
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void storesAndReturnsAValueWithItsVersion() throws Exception {
        DistributedTier<String, String> tier = tier();
        assertThat(await(tier.get("a"))).isEmpty();
        assertThat(await(tier.putIfNewer("a", v("a3", 3), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.INSTALLED);
        assertThat(await(tier.get("a"))).contains(v("a3", 3));
    }

    @Test
    void neverReplacesNewerWithOlder() throws Exception {
        DistributedTier<String, String> tier = tier();
        await(tier.putIfNewer("a", v("a5", 5), Duration.ofMinutes(1)));
        assertThat(await(tier.putIfNewer("a", v("a4", 4), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.REFUSED_OLDER);
        assertThat(await(tier.putIfNewer("a", v("a5", 5), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.INSTALLED);
        assertThat(await(tier.get("a"))).contains(v("a5", 5));
    }

    @Test
    void anInvalidationRemovesOlderVersionsAndRefusesTheirReturn() throws Exception {
        DistributedTier<String, String> tier = tier();
        await(tier.putIfNewer("a", v("a1", 1), Duration.ofMinutes(1)));
        await(tier.invalidate("a", 2));
        assertThat(await(tier.get("a"))).isEmpty();
        assertThat(await(tier.putIfNewer("a", v("a1", 1), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.REFUSED_TOMBSTONE);
        assertThat(await(tier.putIfNewer("a", v("a2", 2), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.INSTALLED);
        await(tier.invalidate("a", 2));
        assertThat(await(tier.get("a"))).as("an invalidation at the stored version keeps it").contains(v("a2", 2));
    }

    @Test
    void readThroughFillsTheTierOnceAndThenServesFromIt() throws Exception {
        DistributedTier<String, String> tier = tier();
        AtomicInteger sourceReads = new AtomicInteger();
        var loader = tier.readThrough((key, floor) -> {
            sourceReads.incrementAndGet();
            return CompletableFuture.completedFuture(Optional.of(v("from-db", 7)));
        }, Duration.ofMinutes(1));
        assertThat(await(loader.load("a", VersionedLoader.NO_FLOOR))).contains(v("from-db", 7));
        assertThat(await(loader.load("a", VersionedLoader.NO_FLOOR))).contains(v("from-db", 7));
        assertThat(sourceReads).hasValue(1);
    }

    @Test
    void readThroughSkipsACopyBelowTheCallersFloorAndRepairsIt() throws Exception {
        DistributedTier<String, String> tier = tier();
        assertThat(await(tier.putIfNewer("a", v("old", 1), Duration.ofMinutes(1)))).isEqualTo(InstallOutcome.INSTALLED);
        java.util.List<Long> floors = new java.util.concurrent.CopyOnWriteArrayList<>();
        var loader = tier.readThrough((key, floor) -> {
            floors.add(floor);
            return CompletableFuture.completedFuture(Optional.of(v("new", 2)));
        }, Duration.ofMinutes(1));
        assertThat(await(loader.load("a", 1))).as("a copy at the floor is served").contains(v("old", 1));
        assertThat(floors).isEmpty();
        assertThat(await(loader.load("a", 2))).as("a copy below the floor is skipped").contains(v("new", 2));
        assertThat(floors).as("the source is told the floor").containsExactly(2L);
        assertThat(await(tier.get("a"))).as("and the copy is repaired").contains(v("new", 2));
        assertThat(await(loader.load("a", 2))).contains(v("new", 2));
        assertThat(floors).hasSize(1);
    }
}
