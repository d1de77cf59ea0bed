package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.port.in.ListingQueries;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
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
                return delay(inner.find(key));
            }

            @Override
            public CompletionStage<Optional<Listing>> findAtLeast(ListingKey key, long minimumVersion) {
                return delay(inner.findAtLeast(key, minimumVersion));
            }

            private <T> CompletionStage<T> delay(CompletionStage<T> read) {
                long micros;
                synchronized (seed) {
                    micros = seed.nextLong(3_000);
                }
                return read.thenComposeAsync(CompletableFuture::completedFuture,
                        CompletableFuture.delayedExecutor(micros, TimeUnit.MICROSECONDS));
            }

            @Override
            public CompletionStage<SearchPage> search(SearchQuery query) {
                return inner.search(query);
            }
        };
    }

    @Test
    void noNodeServesAVersionOlderThanAnInvalidationItHasProcessed() throws Exception {
        List<String> keys = ConsistencyWorkload.createListings(a, "C-", 40);
        List<Platform> nodes = List.of(a.platform, b, c);
        double flushesBefore = ConsistencyWorkload.flushes(nodes);
        var outcome = ConsistencyWorkload.run(a, nodes, keys, OPERATIONS, 2026,
                quarter -> assertThat(ConsistencyWorkload.killListenConnections(a)).isGreaterThanOrEqualTo(3));
        assertThat(outcome.failures()).as(String.valueOf(outcome.failureSamples())).isZero();
        assertThat(outcome.violations()).isEmpty();
        assertThat(outcome.reads() + outcome.writes()).isEqualTo(OPERATIONS);
        assertThat(outcome.writes()).isGreaterThan(OPERATIONS / 40);
        assertThat(outcome.afterUpdates()).as("reads that followed processed updates").isGreaterThan(OPERATIONS / 2);
        // A killed LISTEN connection is caught up from the outbox after the reconnect (ADR 0016): no flush.
        assertThat(ConsistencyWorkload.flushes(nodes)).as("flushes after killed LISTEN connections")
                .isEqualTo(flushesBefore);
    }

    @Test
    void aThousandConcurrentMissesOfOneKeyLoadItOnce() throws Exception {
        var listing = ApiIntegrationTest.items(a.get("/api/v1/listings?limit=100&sort=price_asc&minPrice=1")).getLast();
        String url = "http://127.0.0.1:" + c.port() + "/api/v1/listings/" + listing.getString("ListingKey");
        double before = loads(c);
        // A client of its own, closed at the end: its ~1,000 keep-alive connections would otherwise stay open
        // for the keep-alive timeout and leave the next test under the node's per-client connection cap.
        try (HttpClient burst = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                responses.add(burst.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (var r : responses) {
                assertThat(r.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
        }
        assertThat(loads(c) - before).isEqualTo(1.0);
        await().atMost(Duration.ofSeconds(30)).until(() -> openConnections(c) < 100);
    }

    private static double openConnections(Platform node) {
        return node.metrics().registry().get("http.server.connections.open").gauge().value();
    }

    private static double loads(Platform node) {
        return node.metrics().registry().find("cache.loads").tag("cache", "listings").counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}
