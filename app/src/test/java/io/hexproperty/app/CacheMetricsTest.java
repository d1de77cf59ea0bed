package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Postgres;
import io.micrometer.core.instrument.Counter;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * View counts written behind (journal, batches to PostgreSQL) without taking listing reads off the
 * cache, and the caching meters on /metrics.
 */
@Postgres
class CacheMetricsTest {
    private static TestPlatform p;

    @BeforeAll
    static void start() {
        p = TestPlatform.get();
    }

    private static double hits() {
        return p.platform.metrics().registry().find("cache.gets").tag("cache", "listings").tag("tier", "memory")
                .tag("result", "hit").counters().stream().mapToDouble(Counter::count).sum();
    }

    private static long storedViews(String key) throws Exception {
        var db = p.platform.database();
        try (var conn = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             var st = conn.prepareStatement("SELECT coalesce(sum(views), 0) FROM listing_views WHERE listing_key = ?")) {
            st.setString(1, key);
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void detailReadsAreCountedBehindTheCache() throws Exception {
        String key = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=37&sort=price_asc&minPrice=2")).getLast()
                .getString("ListingKey");
        long before = storedViews(key);
        // a prefetch (a browser's, or the warm-up of a cluster's standby worker) is served but is not a view
        for (int i = 0; i < 10; i++) {
            assertThat(p.get("/api/v1/listings/" + key, "Sec-Purpose", "prefetch").statusCode()).isEqualTo(200);
        }
        assertThat(p.get("/api/v1/listings/" + key).statusCode()).isEqualTo(200);
        double hitsBefore = hits();
        for (int i = 0; i < 25; i++) {
            assertThat(p.get("/api/v1/listings/" + key).statusCode()).isEqualTo(200);
        }
        assertThat(hits() - hitsBefore).as("every counted read was still a cache hit").isGreaterThanOrEqualTo(25);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> storedViews(key) - before == 26);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                p.platform.metrics().registry().get("cache.writebehind.pending").gauge().value() == 0);
        assertThat(storedViews(key) - before).as("the 10 prefetches were not counted").isEqualTo(26);
    }

    @Test
    void theCachingMetersAreOnTheMetricsEndpoint() {
        // A load (first read) and a hit (second read) of one listing, and a change for the feed's lag timer.
        String key = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=41&sort=price_desc&minPrice=2")).getLast()
                .getString("ListingKey");
        p.get("/api/v1/listings/" + key);
        p.get("/api/v1/listings/" + key);
        assertThat(p.send("PATCH", "/api/v1/listings/" + key, "{\"PhotosCount\":4}", "Authorization",
                "Bearer " + p.brokerToken, "Content-Type", "application/json").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                p.platform.metrics().registry().get("cache.invalidation.lag").timer().count() > 0);

        String metrics = p.management("/metrics").body();
        series(metrics, "cache_gets_total", "cache=\"listings\"", "tier=\"memory\"", "result=\"hit\"");
        series(metrics, "cache_gets_total", "cache=\"listings\"", "tier=\"memory\"", "result=\"miss\"");
        series(metrics, "cache_gets_total", "cache=\"search\"", "tier=\"memory\"", "result=\"hit\"");
        series(metrics, "cache_gets_total", "cache=\"listings\"", "tier=\"disk\"", "result=\"hit\"");
        series(metrics, "cache_loads_total", "cache=\"listings\"", "tier=\"memory\"", "result=\"success\"");
        series(metrics, "cache_load_duration_seconds_count", "cache=\"listings\"", "tier=\"memory\"");
        series(metrics, "cache_evictions_total", "cache=\"listings\"", "tier=\"memory\"", "cause=\"size\"");
        series(metrics, "cache_served_age_seconds_bucket", "cache=\"listings\"", "tier=\"memory\"");
        series(metrics, "cache_invalidation_lag_seconds_bucket");
        series(metrics, "cache_writebehind_pending", "journal=\"views\"");
        series(metrics, "cache_writebehind_flush_duration_seconds_bucket", "journal=\"views\"");
    }

    /** A sample line of {@code name} carrying every one of {@code labels}. */
    private static void series(String metrics, String name, String... labels) {
        assertThat(metrics.lines().filter(l -> l.startsWith(name + "{"))
                .anyMatch(l -> java.util.Arrays.stream(labels).allMatch(l::contains)))
                .as("a series %s with %s on /metrics", name, java.util.Arrays.toString(labels)).isTrue();
    }
}
