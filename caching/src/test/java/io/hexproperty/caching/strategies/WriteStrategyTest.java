package io.hexproperty.caching.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.caching.FakeTicker;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.layers.memory.MemoryTier;
import io.hexproperty.caching.layers.memory.MemoryTierConfig;
import io.hexproperty.caching.CachedValue;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

@Unit
class WriteStrategyTest {

    private final MemoryTier<String, String> tier = MemoryTier.create(MemoryTierConfig.defaults(),
            TierMetrics.noop("t", "memory"), new FakeTicker(), () -> 0.5, Runnable::run);
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
    private long storeVersion = 1;

    private final BiFunction<String, String, CompletionStage<StoreWrite<String>>> store = (key, change) -> {
        storeVersion++;
        return CompletableFuture.completedFuture(change == null ? StoreWrite.deleted(storeVersion)
                : StoreWrite.written(change, storeVersion));
    };

    private final BiFunction<String, String, CompletionStage<StoreWrite<String>>> brokenStore =
            (key, change) -> CompletableFuture.failedFuture(new IllegalStateException("primary unreachable"));

    @Test
    void writeThroughInstallsTheNewVersionAtOnce() {
        tier.install("a", new CachedValue<>("old", 1, Instant.EPOCH), Set.of());
        var writes = WriteStrategy.writeThrough(tier, store, (k, v) -> Set.of("city:austin-tx"), clock);
        writes.write("a", "new").toCompletableFuture().join();
        var cached = tier.entry("a").orElseThrow();
        assertThat(cached.value()).isEqualTo(new CachedValue<>("new", 2, clock.instant()));
        assertThat(cached.tags()).containsExactly("city:austin-tx");
    }

    @Test
    void writeThroughOfADeleteLeavesATombstoneAtTheDeleteVersion() {
        var writes = WriteStrategy.writeThrough(tier, store);
        writes.write("a", "v2").toCompletableFuture().join();
        MemoryTier.LoadTicket racingRead = tier.beginLoad();
        writes.write("a", null).toCompletableFuture().join();
        assertThat(tier.entry("a")).isEmpty();
        assertThat(tier.install("a", new CachedValue<>("v2", 2, Instant.EPOCH), Set.of(), racingRead).installed()).isFalse();
    }

    @Test
    void writeAroundOnlyInvalidates() {
        tier.install("a", new CachedValue<>("old", 1, Instant.EPOCH), Set.of());
        var writes = WriteStrategy.writeAround(tier, store);
        assertThat(writes.write("a", "new").toCompletableFuture().join().version()).isEqualTo(2);
        assertThat(tier.entry("a")).isEmpty();
        assertThat(tier.install("a", new CachedValue<>("old", 1, Instant.EPOCH), Set.of()).installed()).isFalse();
        assertThat(tier.install("a", new CachedValue<>("new", 2, Instant.EPOCH), Set.of()).installed()).isTrue();
    }

    @Test
    void aFailedStoreWriteLeavesTheCacheUntouched() {
        tier.install("a", new CachedValue<>("old", 1, Instant.EPOCH), Set.of());
        assertThatThrownBy(() -> WriteStrategy.writeThrough(tier, brokenStore).write("a", "x").toCompletableFuture().join())
                .hasRootCauseMessage("primary unreachable");
        assertThatThrownBy(() -> WriteStrategy.writeAround(tier, brokenStore).write("a", "x").toCompletableFuture().join())
                .hasRootCauseMessage("primary unreachable");
        assertThat(tier.entry("a").orElseThrow().value().value()).isEqualTo("old");
    }
}
