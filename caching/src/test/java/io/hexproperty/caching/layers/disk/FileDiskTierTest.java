package io.hexproperty.caching.layers.disk;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.KeyCodec;
import io.hexproperty.caching.TierMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Unit
class FileDiskTierTest {

    @TempDir
    Path dir;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private DiskTier<String> open(int maxEntries, long maxBytes) {
        return DiskTier.open(new DiskTierConfig(dir, maxEntries, maxBytes), KeyCodec.utf8(),
                TierMetrics.of(registry, "listings", "disk"));
    }

    private static CachedValue<byte[]> bytes(String s, long version) {
        return new CachedValue<>(s.getBytes(StandardCharsets.UTF_8), version, Instant.parse("2026-11-25T10:15:30.123456789Z"));
    }

    private List<Path> entryFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".entry")).toList();
        }
    }

    private double corrupt() {
        var c = registry.find("cache.disk.corrupt").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void roundTripsValueVersionTimeAndTags() {
        DiskTier<String> disk = open(100, 1 << 20);
        disk.put("L-1", bytes("{\"price\":1}", 7), Set.of("city:houston-tx", "h3:872830828ffffff"));
        DiskTier.Stored<String> stored = disk.get("L-1").orElseThrow();
        assertThat(stored.key()).isEqualTo("L-1");
        assertThat(new String(stored.value().value(), StandardCharsets.UTF_8)).isEqualTo("{\"price\":1}");
        assertThat(stored.value().version()).isEqualTo(7);
        assertThat(stored.value().loadedAt()).isEqualTo(Instant.parse("2026-11-25T10:15:30.123456789Z"));
        assertThat(stored.tags()).containsExactlyInAnyOrder("city:houston-tx", "h3:872830828ffffff");
        assertThat(disk.get("L-2")).isEmpty();
        assertThat(registry.find("cache.gets").tag("result", "hit").counter().count()).isEqualTo(1);
        assertThat(registry.find("cache.gets").tag("result", "miss").counter().count()).isEqualTo(1);
    }

    @Test
    void aFileWithAFlippedBitIsDeletedAndNeverServed() throws Exception {
        DiskTier<String> disk = open(100, 1 << 20);
        disk.put("L-1", bytes("payload-payload", 1), Set.of());
        Path file = entryFiles().get(0);
        byte[] raw = Files.readAllBytes(file);
        raw[raw.length - 3] ^= 0x01;
        Files.write(file, raw);

        assertThat(disk.get("L-1")).isEmpty();
        assertThat(file).doesNotExist();
        assertThat(disk.size()).isZero();
        assertThat(corrupt()).isEqualTo(1);
    }

    @Test
    void truncatedFilesAreDetectedWhereverTheCutFalls() throws Exception {
        DiskTier<String> disk = open(100, 1 << 20);
        disk.put("L-1", bytes("payload", 1), Set.of("t"));
        Path file = entryFiles().get(0);
        byte[] raw = Files.readAllBytes(file);
        for (int cut = 0; cut < raw.length; cut++) {
            Files.write(file, Arrays.copyOf(raw, cut));
            assertThat(EntryFile.decode(Files.readAllBytes(file)).problem()).as("cut at " + cut).isNotNull();
        }
        Files.write(file, Arrays.copyOf(raw, raw.length - 1));
        assertThat(disk.loadAll()).isEmpty();
        assertThat(file).doesNotExist();
    }

    @Test
    void staysWithinItsBoundsByDroppingTheOldestWrites() throws Exception {
        DiskTier<String> disk = open(3, 1 << 20);
        for (int i = 1; i <= 5; i++) {
            disk.put("L-" + i, bytes("v" + i, 1), Set.of());
        }
        assertThat(disk.size()).isEqualTo(3);
        assertThat(entryFiles()).hasSize(3);
        assertThat(disk.get("L-1")).isEmpty();
        assertThat(disk.get("L-5")).isPresent();
        assertThat(disk.loadAll()).extracting(DiskTier.Stored::key).containsExactly("L-5", "L-4", "L-3");

        DiskTier<String> small = open(100, 200);
        small.put("big-1", bytes("x".repeat(120), 1), Set.of());
        small.put("big-2", bytes("y".repeat(120), 1), Set.of());
        assertThat(small.bytes()).isLessThanOrEqualTo(200);
    }

    @Test
    void reopeningFindsTheEntriesAndDropsStrayTempFiles() throws Exception {
        DiskTier<String> disk = open(100, 1 << 20);
        disk.put("L-1", bytes("a", 1), Set.of());
        disk.saveWatermark(42);
        Path stray = Files.writeString(dir.resolve("abc.entry.123.tmp"), "half");

        DiskTier<String> reopened = open(100, 1 << 20);
        assertThat(reopened.size()).isEqualTo(1);
        assertThat(reopened.get("L-1")).isPresent();
        assertThat(reopened.watermark()).hasValue(42);
        assertThat(stray).doesNotExist();
    }

    @Test
    void aWatermarkPerShardSurvivesAReopenAndIsNotMistakenForOne() throws Exception {
        DiskTier<String> disk = open(100, 1 << 20);
        disk.saveWatermarks(new long[] {17, 0, 42});

        DiskTier<String> reopened = open(100, 1 << 20);
        assertThat(reopened.watermarks()).hasValueSatisfying(marks -> assertThat(marks).containsExactly(17, 0, 42));
        assertThat(reopened.watermark()).as("three sequences are not one").isEmpty();

        reopened.saveWatermark(5);
        assertThat(open(100, 1 << 20).watermarks()).hasValueSatisfying(marks -> assertThat(marks).containsExactly(5));
    }

    @Test
    void anUnreadableWatermarkIsNone() throws Exception {
        DiskTier<String> disk = open(100, 1 << 20);
        Files.writeString(dir.resolve("watermark"), "watermark=12,x\n");
        assertThat(disk.watermarks()).isEmpty();
    }
}
