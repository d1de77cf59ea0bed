package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.port.in.ListingQueries;
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
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The caching contract across nodes, over real HTTP and one real PostgreSQL: three nodes, each with
 * its own caches and change feed; node B and C load through a decorator that delays every load by
 * a random 0-3 ms between the database read and the cache install.
 */
@Postgres
class CacheConsistencyTest {
    private static final int OPERATIONS = Integer.getInteger("hexproperty.consistency.ops", 100_000);
    private static TestPlatform a;
    private static Platform b;
    private static Platform c;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        a = TestPlatform.get();
        b = a.startNode(CacheConsistencyTest::delayed);
        c = a.startNode(CacheConsistencyTest::delayed);
    }

    /** Delays each load's result by 0-3 ms: a write can commit and be invalidated in between. */
    static ListingQueries delayed(ListingQueries inner) {
        SplittableRandom seed = new SplittableRandom(11);
        return new ListingQueries() {
            @Override
            public CompletionStage<Optional<Listing>> find(ListingKey key) {
                long micros;
                synchronized (seed) {
                    micros = seed.nextLong(3_000);
                }
                return inner.find(key).thenComposeAsync(CompletableFuture::completedFuture,
                        CompletableFuture.delayedExecutor(micros, TimeUnit.MICROSECONDS));
            }

            @Override
            public CompletionStage<SearchPage> search(SearchQuery query) {
                return inner.search(query);
            }
        };
    }

    record Read(String key, long processedSequence, long version) {}

    @Test
    void noNodeServesAVersionOlderThanAnInvalidationItHasProcessed() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> created = a.send("POST", "/api/v1/listings", BadInputTest.with("ListingId", "C-" + i),
                    "Authorization", "Bearer " + a.demoToken, "Content-Type", "application/json");
            assertThat(created.statusCode()).isEqualTo(201);
            keys.add(new JsonObject(created.body()).getString("ListingKey"));
        }
        String[] nodes = {a.baseUrl, "http://127.0.0.1:" + b.port(), "http://127.0.0.1:" + c.port()};
        Platform[] platforms = {a.platform, b, c};
        double flushesBefore = flushes();

        ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
        AtomicInteger writes = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        Semaphore inFlight = new Semaphore(48);
        SplittableRandom random = new SplittableRandom(2026);
        for (int op = 0; op < OPERATIONS; op++) {
            if (op > 0 && op % (OPERATIONS / 4) == 0) {
                killListenConnections();
            }
            // Zipf-like popularity: a few keys get most of the traffic, so reads and writes collide.
            String key = keys.get((int) Math.min(keys.size() - 1, Math.floor(Math.pow(random.nextDouble(), 2.5) * keys.size())));
            int node = random.nextInt(3);
            inFlight.acquire();
            if (random.nextInt(100) < 5) {
                HttpRequest patch = HttpRequest.newBuilder(URI.create(nodes[node] + "/api/v1/listings/" + key))
                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"ListPrice\":" + random.nextInt(100_000, 900_000) + "}"))
                        .header("Authorization", "Bearer " + a.demoToken).header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30)).build();
                HTTP.sendAsync(patch, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                    if (e != null || r.statusCode() != 200) {
                        failures.incrementAndGet();
                    } else {
                        writes.incrementAndGet();
                    }
                    inFlight.release();
                });
            } else {
                long processed = platforms[node].feedSequence();
                HttpRequest get = HttpRequest.newBuilder(URI.create(nodes[node] + "/api/v1/listings/" + key))
                        .timeout(Duration.ofSeconds(30)).build();
                HTTP.sendAsync(get, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                    if (e != null || r.statusCode() != 200) {
                        failures.incrementAndGet();
                    } else {
                        reads.add(new Read(key, processed, new JsonObject(r.body()).getLong("version")));
                    }
                    inFlight.release();
                });
            }
        }
        inFlight.acquire(48);

        Map<String, TreeMap<Long, Long>> versionsBySequence = outbox(keys);
        int checked = 0;
        int afterUpdates = 0;
        List<String> violations = new ArrayList<>();
        for (Read read : reads) {
            var floor = versionsBySequence.getOrDefault(read.key(), new TreeMap<>()).floorEntry(read.processedSequence());
            long mustBeAtLeast = floor == null ? 1 : floor.getValue();
            checked++;
            if (mustBeAtLeast > 1) {
                afterUpdates++;
            }
            if (read.version() < mustBeAtLeast && violations.size() < 10) {
                violations.add(read + " but version " + mustBeAtLeast + " was invalidated before the read");
            }
        }
        assertThat(failures.get()).isZero();
        assertThat(violations).isEmpty();
        assertThat(checked + writes.get()).isEqualTo(OPERATIONS);
        assertThat(writes.get()).isGreaterThan(OPERATIONS / 40);
        assertThat(afterUpdates).as("reads that followed processed updates").isGreaterThan(OPERATIONS / 2);
        assertThat(flushes()).as("each killed LISTEN connection flushed every node").isGreaterThanOrEqualTo(flushesBefore + 9);
    }

    @Test
    void aThousandConcurrentMissesOfOneKeyLoadItOnce() throws Exception {
        var listing = ApiIntegrationTest.items(a.get("/api/v1/listings?limit=100&sort=price_asc&minPrice=1")).getLast();
        String url = "http://127.0.0.1:" + c.port() + "/api/v1/listings/" + listing.getString("ListingKey");
        double before = loads(c);
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            responses.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (var r : responses) {
            assertThat(r.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(loads(c) - before).isEqualTo(1.0);
    }

    private static double loads(Platform node) {
        return node.metrics().registry().find("cache.loads").tag("cache", "listings").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static double flushes() {
        double sum = 0;
        for (Platform node : new Platform[] {a.platform, b, c}) {
            sum += node.metrics().registry().find("cache.invalidation.flushes").counters().stream()
                    .mapToDouble(Counter::count).sum();
        }
        return sum;
    }

    private static void killListenConnections() throws Exception {
        var db = a.platform.database();
        try (var conn = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             var rs = conn.createStatement().executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE query = 'LISTEN listing_changes'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
        }
    }

    private static Map<String, TreeMap<Long, Long>> outbox(List<String> keys) throws Exception {
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
