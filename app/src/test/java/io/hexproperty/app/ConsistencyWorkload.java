package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.ZipfSampler;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The invariant workload of the caching contract, over real HTTP: Zipf keys, 5% PATCHes and 95%
 * GETs spread over the nodes, 48 in flight. Each read records the change-feed sequence its node had
 * processed when the read started; afterwards the outbox says which version every such read had to
 * show at least. {@code disturbance} runs at each quarter of the run (kill connections, restart Redis...).
 */
final class ConsistencyWorkload {
    private static final int IN_FLIGHT = 48;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    record Read(String key, long processedSequence, long version) {}

    record Outcome(int reads, int writes, int failures, int afterUpdates, List<String> violations, List<String> failureSamples) {}

    interface Disturbance {
        void at(int quarter) throws Exception;
    }

    private ConsistencyWorkload() {
    }

    static List<String> createListings(TestPlatform a, String prefix, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpResponse<String> created = a.send("POST", "/api/v1/listings", BadInputTest.with("ListingId", prefix + i),
                    "Authorization", "Bearer " + a.brokerToken, "Content-Type", "application/json");
            assertThat(created.statusCode()).isEqualTo(201);
            keys.add(new JsonObject(created.body()).getString("ListingKey"));
        }
        return keys;
    }

    static Outcome run(TestPlatform a, List<Platform> nodes, List<String> keys, int operations, long seed,
                       Disturbance disturbance) throws Exception {
        ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failureSamples = new ConcurrentLinkedQueue<>();
        AtomicInteger writes = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        SplittableRandom random = new SplittableRandom(seed);
        // Zipf popularity: a few keys get most of the traffic, so reads and writes collide.
        ZipfSampler popularity = ZipfSampler.of(keys.size(), ZipfSampler.DEFAULT_SKEW, seed);
        for (int op = 0; op < operations; op++) {
            if (op > 0 && op % (operations / 4) == 0) {
                disturbance.at(op / (operations / 4));
            }
            String key = keys.get(popularity.next());
            Platform node = nodes.get(random.nextInt(nodes.size()));
            String base = "http://127.0.0.1:" + node.port();
            inFlight.acquire();
            if (random.nextInt(100) < 5) {
                HttpRequest patch = HttpRequest.newBuilder(URI.create(base + "/api/v1/listings/" + key))
                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"ListPrice\":" + random.nextInt(100_000, 900_000) + "}"))
                        .header("Authorization", "Bearer " + a.brokerToken).header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30)).build();
                HTTP.sendAsync(patch, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                    if (e != null || r.statusCode() != 200) {
                        failed(failures, failureSamples, "PATCH " + key, r, e);
                    } else {
                        writes.incrementAndGet();
                    }
                    inFlight.release();
                });
            } else {
                long processed = node.feedSequence();
                HttpRequest get = HttpRequest.newBuilder(URI.create(base + "/api/v1/listings/" + key))
                        .timeout(Duration.ofSeconds(30)).build();
                HTTP.sendAsync(get, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                    if (e != null || r.statusCode() != 200) {
                        failed(failures, failureSamples, "GET " + key, r, e);
                    } else {
                        reads.add(new Read(key, processed, new JsonObject(r.body()).getLong("version")));
                    }
                    inFlight.release();
                });
            }
        }
        inFlight.acquire(IN_FLIGHT);

        Map<String, TreeMap<Long, Long>> versionsBySequence = outbox(a, keys);
        int afterUpdates = 0;
        List<String> violations = new ArrayList<>();
        for (Read read : reads) {
            var floor = versionsBySequence.getOrDefault(read.key(), new TreeMap<>()).floorEntry(read.processedSequence());
            long mustBeAtLeast = floor == null ? 1 : floor.getValue();
            if (mustBeAtLeast > 1) {
                afterUpdates++;
            }
            if (read.version() < mustBeAtLeast && violations.size() < 10) {
                violations.add(read + " but version " + mustBeAtLeast + " was invalidated before the read");
            }
        }
        return new Outcome(reads.size(), writes.get(), failures.get(), afterUpdates, violations, List.copyOf(failureSamples));
    }

    private static void failed(AtomicInteger failures, ConcurrentLinkedQueue<String> samples, String what,
                               HttpResponse<String> r, Throwable e) {
        if (failures.incrementAndGet() <= 5) {
            samples.add(what + ": " + (e != null ? e.toString() : r.statusCode() + " " + r.body()));
        }
    }

    static double flushes(List<Platform> nodes) {
        return sum(nodes, "cache.invalidation.flushes");
    }

    static double sum(List<Platform> nodes, String meter, String... tags) {
        double sum = 0;
        for (Platform node : nodes) {
            sum += node.metrics().registry().find(meter).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
        }
        return sum;
    }

    /** Terminates every LISTEN connection of the change feed; returns how many there were. */
    static int killListenConnections(TestPlatform a) throws Exception {
        var db = a.platform.database();
        try (var conn = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             var rs = conn.createStatement().executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE query = 'LISTEN listing_changes'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Map<String, TreeMap<Long, Long>> outbox(TestPlatform a, List<String> keys) throws Exception {
        Map<String, TreeMap<Long, Long>> out = new HashMap<>();
        var db = a.platform.database();
        try (var conn = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             var st = conn.prepareStatement("SELECT listing_key, seq, version FROM listing_changes WHERE listing_key = ANY (?)")) {
            st.setArray(1, conn.createArrayOf("text", keys.toArray()));
            try (var rs = st.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).merge(rs.getLong(2), rs.getLong(3), Math::max);
                }
            }
        }
        // A read may only be held to versions committed at or before the sequence its node had processed.
        for (TreeMap<Long, Long> bySeq : out.values()) {
            long max = 0;
            for (var e : bySeq.entrySet()) {
                max = Math.max(max, e.getValue());
                e.setValue(max);
            }
        }
        return out;
    }
}
