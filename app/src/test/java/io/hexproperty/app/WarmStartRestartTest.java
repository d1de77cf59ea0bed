package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Postgres;
import io.micrometer.core.instrument.Counter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The listing detail cache survives a restart: a node saves its hottest entries at close under
 * {@code <dataDir>/../cache/listings} and restores them at start, so restored keys are answered from
 * L1 without a database load; a corrupt file costs only its own entry; a watermark the outbox no
 * longer covers flushes what was restored.
 */
@Postgres
class WarmStartRestartTest {
    private static TestPlatform a;

    @BeforeAll
    static void start() {
        a = TestPlatform.get();
    }

    private Platform node(Path root) throws Exception {
        ServeConfig config = new ServeConfig("127.0.0.1", 0, root.resolve("pg"), a.platform.database().config().url(),
                "postgres", "", 0, 7, false, 2, 8, Duration.ofSeconds(2), root.resolve("token"), true, null);
        return new Platform(config, new PrintStream(System.out, true)).start();
    }

    private static double count(Platform node, String name, String cache, String tier) {
        return node.metrics().registry().find(name).tag("cache", cache).tag("tier", tier).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static double hits(Platform node) {
        return node.metrics().registry().find("cache.gets").tag("cache", "listings").tag("tier", "memory")
                .tag("result", "hit").counters().stream().mapToDouble(Counter::count).sum();
    }

    private static void getAll(Platform node, List<String> keys) {
        for (String key : keys) {
            var r = a.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + node.port() + "/api/v1/listings/" + key)).GET());
            assertThat(r.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aRestartedNodeServesRestoredListingsWithoutLoadingThem() throws Exception {
        List<String> keys = ApiIntegrationTest.items(a.get("/api/v1/listings?limit=20&sort=price_desc&minPrice=1"))
                .stream().map(j -> j.getString("ListingKey")).toList();
        Path root = Files.createTempDirectory("hexproperty-warm");
        Path dir = root.resolve("cache").resolve("listings");

        try (Platform first = node(root)) {
            getAll(first, keys);
            assertThat(count(first, "cache.loads", "listings", "memory")).isEqualTo(keys.size());
        }
        for (String key : keys) {
            assertThat(dir.resolve(fileName(key))).exists();
        }
        // One entry's file is damaged on disk: the checksum rejects it and only that key is loaded again.
        Path damaged = dir.resolve(fileName(keys.getFirst()));
        byte[] bytes = Files.readAllBytes(damaged);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(damaged, bytes);

        try (Platform second = node(root)) {
            double hitsBefore = hits(second);
            getAll(second, keys);
            assertThat(count(second, "cache.loads", "listings", "memory")).as("loads after the restart").isEqualTo(1);
            assertThat(hits(second) - hitsBefore).isEqualTo(keys.size() - 1);
            assertThat(count(second, "cache.disk.corrupt", "listings", "disk")).isEqualTo(1);
        }

        // The outbox cannot reach back to this watermark: restored entries may be stale, so they are dropped.
        Files.writeString(dir.resolve("watermark"), "watermark=" + Long.MAX_VALUE / 2 + "\n");
        try (Platform third = node(root)) {
            getAll(third, keys);
            assertThat(count(third, "cache.loads", "listings", "memory")).isEqualTo(keys.size());
        }
    }

    private static String fileName(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)))
                + ".entry";
    }
}
