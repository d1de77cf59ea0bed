package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Redis L2 tier wired into two nodes (real redis-server, real PostgreSQL, real HTTP): a listing
 * loaded by one node is served to the other from Redis, a change on one node is never served stale
 * by the other, and Redis going away degrades to L1 + database without a client error.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class RedisTierIntegrationTest {
    private static Process redis;
    private static int redisPort;
    private static Platform one;
    private static Platform two;
    private static TestPlatform p;

    @BeforeAll
    static void start() throws Exception {
        Path redisServer = Path.of("/usr/bin/redis-server");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(redisServer) || System.getenv("CI") != null,
                "redis-server is not installed (apt-get install -y redis-server)");
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        redis = new ProcessBuilder(redisServer.toString(), "--port", Integer.toString(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (Socket ignored = new Socket("127.0.0.1", redisPort)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        p = TestPlatform.get();
        UnaryOperator<ServeConfig> withRedis = c -> c.withCacheOptions(c.cacheOptions().withRedisUrl("redis://127.0.0.1:" + redisPort));
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
        if (redis != null) {
            redis.destroyForcibly();
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
    @org.junit.jupiter.api.Order(1)
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
                .header("Authorization", "Bearer " + p.demoToken).header("Content-Type", "application/json").build(),
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
    @org.junit.jupiter.api.Order(2)
    void redisDownDegradesWithoutClientErrors() throws Exception {
        String key = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=9&sort=price_asc&minPrice=60000"))
                .getLast().getString("ListingKey");
        redis.destroyForcibly().waitFor();
        try {
            for (int i = 0; i < 5; i++) {
                assertThat(get(two, "/api/v1/listings/" + key).statusCode()).isEqualTo(200);
                assertThat(get(one, "/api/v1/listings?city=Dallas&state=TX&limit=3").statusCode()).isEqualTo(200);
            }
        } finally {
            redis = new ProcessBuilder("/usr/bin/redis-server", "--port", Integer.toString(redisPort), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        }
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
