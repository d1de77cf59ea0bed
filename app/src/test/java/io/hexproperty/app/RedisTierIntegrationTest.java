package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Redis;
import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.testing.RedisServerExtension;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis L2 tier wired into two nodes (real redis-server, real PostgreSQL, real HTTP): a listing
 * loaded by one node is served to the other from Redis, a change on one node is never served stale
 * by the other, and Redis going away degrades to L1 + database without a client error.
 */
@Redis
@Postgres
class RedisTierIntegrationTest {
    // A real redis-server (the system's, else embedded-redis's): no machine skips this test.
    @RegisterExtension
    static final RedisServerExtension redis = RedisServerExtension.standalone();

    private static Platform one;
    private static Platform two;
    private static TestPlatform p;

    @BeforeAll
    static void start() throws Exception {
        p = TestPlatform.get();
        UnaryOperator<ServeConfig> withRedis = c -> c.withCaches(c.caches().withRedisUrl(redis.url()));
        one = p.startNode(UnaryOperator.identity(), withRedis);
        two = p.startNode(UnaryOperator.identity(), withRedis);
    }

    @AfterAll
    static void stop() {
        for (Platform node : new Platform[] {one, two}) {
            if (node != null) {
                node.close();
            }
        }
    }

    private static double redisGets(Platform node, String result) {
        return node.metrics().registry().find("cache.gets").tag("cache", "listings").tag("tier", "redis")
                .tag("result", result).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static HttpResponse<String> get(Platform node, String path) throws Exception {
        return p.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void oneNodesLoadServesTheOtherAndChangesAreNeverServedStale() throws Exception {
        String key = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=7&sort=price_asc&minPrice=50000"))
                .getLast().getString("ListingKey");
        assertThat(get(one, "/api/v1/listings/" + key).statusCode()).isEqualTo(200);
        double hits = redisGets(two, "hit");
        HttpResponse<String> fromRedis = get(two, "/api/v1/listings/" + key);
        assertThat(fromRedis.statusCode()).isEqualTo(200);
        assertThat(redisGets(two, "hit")).as("node two answered from Redis").isGreaterThan(hits);

        long version = new JsonObject(fromRedis.body()).getLong("version");
        HttpResponse<String> patched = p.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + one.port()
                        + "/api/v1/listings/" + key)).method("PATCH", HttpRequest.BodyPublishers.ofString("{\"PhotosCount\":11}"))
                .header("Authorization", "Bearer " + p.brokerToken).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(patched.statusCode()).isEqualTo(200);
        // Once node two has processed the change, neither its L1 nor Redis may give it the old version.
        long sequence = sequenceOf(key, version + 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> two.feedSequence() >= sequence);
        for (int i = 0; i < 20; i++) {
            assertThat(new JsonObject(get(two, "/api/v1/listings/" + key).body()).getLong("version")).isEqualTo(version + 1);
        }
    }

    @Test
    void redisDownDegradesWithoutClientErrors() throws Exception {
        String key = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=9&sort=price_asc&minPrice=60000"))
                .getLast().getString("ListingKey");
        redis.stop();
        try {
            for (int i = 0; i < 5; i++) {
                assertThat(get(two, "/api/v1/listings/" + key).statusCode()).isEqualTo(200);
                assertThat(get(one, "/api/v1/listings?city=Dallas&state=TX&limit=3").statusCode()).isEqualTo(200);
            }
        } finally {
            redis.start();
        }
        // Leaves Redis as it found it (serving across nodes again), so the tests run in any order.
        var keys = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=100&sort=price_desc&minPrice=100000"));
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String fresh = keys.get(next.getAndIncrement() % keys.size()).getString("ListingKey");
            get(one, "/api/v1/listings/" + fresh);
            double hits = redisGets(two, "hit");
            get(two, "/api/v1/listings/" + fresh);
            return redisGets(two, "hit") > hits;
        });
    }

    private static long sequenceOf(String key, long version) throws Exception {
        var db = p.platform.database();
        try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             var st = c.prepareStatement("SELECT seq FROM listing_changes WHERE listing_key = ? AND version = ?")) {
            st.setString(1, key);
            st.setLong(2, version);
            try (var rs = st.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getLong(1);
            }
        }
    }
}
