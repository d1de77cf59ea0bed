package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.testing.lane.Timing;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * On demand only (a measurement, not a check): commit on node A -> eviction on node B, read from node
 * B's {@code cache.invalidation.lag} timer after N PATCHes through node A (4 in flight).
 *
 * <pre>./mvnw -q -o -pl app -am test -Dtest=InvalidationLagBenchmark -Dhexproperty.bench=true \
 *     -Dhexproperty.bench.patches=2000 -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
@EnabledIfSystemProperty(named = "hexproperty.bench", matches = "true")
@Postgres
@Timing
class InvalidationLagBenchmark {

    @Test
    void invalidationLagFromNodeAToNodeB() throws Exception {
        int patches = Integer.getInteger("hexproperty.bench.patches", 2000);
        TestPlatform a = TestPlatform.get();
        Platform b = a.startNode(q -> q);
        List<String> keys = ApiIntegrationTest.items(a.get("/api/v1/listings?limit=50&sort=price_asc&minPrice=1"))
                .stream().map(j -> j.getString("ListingKey")).toList();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Semaphore inFlight = new Semaphore(4);
        AtomicInteger failed = new AtomicInteger();
        long started = System.nanoTime();
        for (int i = 0; i < patches; i++) {
            inFlight.acquire();
            HttpRequest patch = HttpRequest.newBuilder(URI.create(a.baseUrl + "/api/v1/listings/" + keys.get(i % keys.size())))
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"ListPrice\":" + (200_000 + i) + "}"))
                    .header("Authorization", "Bearer " + a.brokerToken).header("Content-Type", "application/json").build();
            http.sendAsync(patch, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e != null || r.statusCode() != 200) {
                    failed.incrementAndGet();
                }
                inFlight.release();
            });
        }
        inFlight.acquire(4);
        double seconds = (System.nanoTime() - started) / 1e9;
        Timer lag = b.metrics().registry().get("cache.invalidation.lag").timer();
        await().atMost(Duration.ofSeconds(30)).until(() -> lag.count() >= patches);
        assertThat(failed.get()).isZero();

        HistogramSnapshot snapshot = lag.takeSnapshot();
        System.out.printf("invalidation lag A->B over %d PATCHes (%.0f/s): mean %.2f ms, p50 <= %.2f ms, p99 <= %.2f ms,"
                        + " max %.2f ms%n", lag.count(), patches / seconds, snapshot.mean(TimeUnit.MILLISECONDS),
                quantile(snapshot, 0.50), quantile(snapshot, 0.99), snapshot.max(TimeUnit.MILLISECONDS));
        b.close();
    }

    /** The upper bound (ms) of the histogram bucket holding quantile q: what Prometheus would report. */
    private static double quantile(HistogramSnapshot snapshot, double q) {
        double target = q * snapshot.count();
        for (CountAtBucket bucket : snapshot.histogramCounts()) {
            if (bucket.count() >= target) {
                return bucket.bucket(TimeUnit.MILLISECONDS);
            }
        }
        return snapshot.max(TimeUnit.MILLISECONDS);
    }
}
