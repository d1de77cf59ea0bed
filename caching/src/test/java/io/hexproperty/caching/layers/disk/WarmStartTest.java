package io.hexproperty.caching.layers.disk;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.FakeTicker;
import io.hexproperty.caching.KeyCodec;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.layers.memory.MemoryTier;
import io.hexproperty.caching.layers.memory.MemoryTierConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Unit
class WarmStartTest {

    @TempDir
    Path dir;
    private final Instant now = Instant.parse("2026-11-25T12:00:00Z");
    private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);

    private MemoryTier<String, byte[]> memory() {
        return MemoryTier.create(MemoryTierConfig.defaults(), TierMetrics.noop("l1", "memory"), new FakeTicker(),
                () -> 0.5, Runnable::run);
    }

    private DiskTier<String> disk() {
        return DiskTier.open(DiskTierConfig.defaults(dir), KeyCodec.utf8(), TierMetrics.noop("l1", "disk"));
    }

    private static CachedValue<byte[]> value(String s, long version, Instant at) {
        return new CachedValue<>(s.getBytes(StandardCharsets.UTF_8), version, at);
    }

    @Test
    void savesTheHottestEntriesAndRewarmsANewL1WithThemAndTheirTags() {
        MemoryTier<String, byte[]> before = memory();
        for (int i = 0; i < 20; i++) {
            before.install("L-" + i, value("v" + i, i, now.minusSeconds(60)), Set.of("city:c" + (i % 2)));
        }
        for (int r = 0; r < 10; r++) {
            before.entry("L-3");
            before.entry("L-4");
            before.entry("L-5");
        }
        WarmStart<String> saver = WarmStart.of(before, disk(), new WarmStartConfig(3, Duration.ofMinutes(5),
                Duration.ofHours(1)), clock, () -> 977L);
        assertThat(saver.save()).isEqualTo(3);

        MemoryTier<String, byte[]> after = memory();
        WarmStart.Restored restored = WarmStart.of(after, disk(), WarmStartConfig.defaults(), clock, () -> 0L).restore();

        assertThat(restored.installed()).isEqualTo(3);
        assertThat(restored.watermark()).hasValue(977);
        assertThat(after.estimatedSize()).isEqualTo(3);
        assertThat(after.entry("L-4").orElseThrow().value().version()).isEqualTo(4);
        after.invalidateTag("city:c1"); // L-3 and L-5
        assertThat(after.entry("L-3")).isEmpty();
        assertThat(after.entry("L-5")).isEmpty();
        assertThat(after.entry("L-4")).isPresent();
    }

    @Test
    void doesNotRestoreEntriesOlderThanMaxAgeNorOverrideNewerState() {
        DiskTier<String> disk = disk();
        disk.put("old", value("o", 1, now.minus(Duration.ofHours(2))), Set.of());
        disk.put("fresh", value("f", 1, now.minusSeconds(5)), Set.of());
        disk.put("superseded", value("s", 1, now.minusSeconds(5)), Set.of());
        MemoryTier<String, byte[]> l1 = memory();
        l1.invalidate("superseded", 2); // e.g. the change feed caught up first

        WarmStart.Restored restored = WarmStart.of(l1, disk, WarmStartConfig.defaults(), clock, () -> 0L).restore();

        assertThat(restored).extracting(WarmStart.Restored::installed, WarmStart.Restored::tooOld,
                WarmStart.Restored::refused).containsExactly(1, 1, 1);
        assertThat(l1.entry("fresh")).isPresent();
        assertThat(l1.entry("old")).isEmpty();
        assertThat(disk.get("old")).as("too-old entries are removed from disk").isEmpty();
    }

    @Test
    void closeSavesOnShutdown() {
        MemoryTier<String, byte[]> l1 = memory();
        l1.install("L-1", value("a", 1, now), Set.of());
        DiskTier<String> disk = disk();
        WarmStart.of(l1, disk, WarmStartConfig.defaults(), clock, () -> 5L).start().close();
        assertThat(disk.get("L-1")).isPresent();
        assertThat(disk.watermark()).hasValue(5);
    }

    @Test
    void aSaveRewritesOnlyTheEntriesThatChanged() {
        MemoryTier<String, byte[]> l1 = memory();
        l1.install("same", value("s", 1, now), Set.of());
        l1.install("changing", value("c1", 1, now), Set.of());
        var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        DiskTier<String> disk = DiskTier.open(DiskTierConfig.defaults(dir), KeyCodec.utf8(),
                TierMetrics.of(registry, "l1", "disk"));
        WarmStart<String> warm = WarmStart.of(l1, disk, WarmStartConfig.defaults(), clock, () -> 1L);
        assertThat(warm.save()).isEqualTo(2);
        l1.install("changing", value("c2", 2, now), Set.of());
        assertThat(warm.save()).isEqualTo(2);
        assertThat(registry.get("cache.disk.writes").counter().count()).as("2 + only the changed one").isEqualTo(3);
        assertThat(new String(disk.get("changing").orElseThrow().value().value(), StandardCharsets.UTF_8)).isEqualTo("c2");
    }
}
