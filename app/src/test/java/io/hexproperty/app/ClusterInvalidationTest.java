package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.RedisServerExtension;
import io.hexproperty.testing.lane.Redis;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Manual invalidation reaches every node, Redis and the CDN (ADR 0016): two nodes on one PostgreSQL
 * and one redis-server, a local HTTP endpoint standing in for Varnish. A listing is changed in the
 * database behind the platform's back (no outbox row: the operator's case for a manual purge); a purge
 * sent to node one makes node two serve the new content too, which it can only get if its own L1 was
 * cleared and Redis no longer holds the old copy.
 */
@Redis
class ClusterInvalidationTest {
    @RegisterExtension
    static final RedisServerExtension redis = RedisServerExtension.standalone();

    private static final List<String> bans = new CopyOnWriteArrayList<>();
    private static TestPlatform p;
    private static Vertx vertx;
    private static Platform one;
    private static Platform two;
    private static final java.util.Map<Platform, String> adminTokens = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        p = TestPlatform.get();
        vertx = Vertx.vertx();
        HttpServer cdn = vertx.createHttpServer().requestHandler(req -> {
            bans.add(req.method().name() + " " + (req.getHeader("X-Purge-All") != null ? "all" : req.getHeader("X-Purge-Keys")));
            req.response().end("banned");
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        AtomicReference<Path> tokenFile = new AtomicReference<>();
        UnaryOperator<ServeConfig> shared = c -> {
            tokenFile.set(c.adminTokenFile());
            return c.withCaches(c.caches().withRedisUrl(redis.url())
                    .withPurgeUrls(List.of(URI.create("http://127.0.0.1:" + cdn.actualPort() + "/"))));
        };
        one = p.startNode(UnaryOperator.identity(), shared);
        adminTokens.put(one, Files.readString(tokenFile.get()).strip()); // each node generated its own
        two = p.startNode(UnaryOperator.identity(), shared);
        adminTokens.put(two, Files.readString(tokenFile.get()).strip());
    }

    @AfterAll
    static void stop() throws Exception {
        for (Platform node : new Platform[] {one, two}) {
            if (node != null) {
                node.close();
            }
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> get(Platform node, String key) {
        return p.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/api/v1/listings/" + key)).GET());
    }

    private static long photos(Platform node, String key) {
        HttpResponse<String> r = get(node, key);
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body()).getLong("PhotosCount");
    }

    private static HttpResponse<String> invalidate(Platform node, String body) {
        return p.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.managementPort() + "/admin/cache/invalidate"))
                .POST(HttpRequest.BodyPublishers.ofString(body)), "Authorization", "Bearer " + adminTokens.get(node),
                "Content-Type", "application/json");
    }

    /** Changes a listing's PhotosCount without an outbox row: no node hears of it. */
    private static long changeBehindTheCaches(String key) throws Exception {
        var db = p.platform.database();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                PreparedStatement st = c.prepareStatement(
                        "UPDATE listings SET photos_count = photos_count + 7 WHERE listing_key = ? RETURNING photos_count")) {
            st.setString(1, key);
            var rs = st.executeQuery();
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    private static List<String> keys(int n, String sort) {
        return ApiIntegrationTest.items(p.get("/api/v1/listings?limit=" + n + "&sort=" + sort + "&minPrice=1"))
                .stream().map(j -> j.getString("ListingKey")).toList();
    }

    @Test
    void aKeyPurgedOnOneNodeIsPurgedOnEveryNodeInRedisAndAtTheCdn() throws Exception {
        String key = keys(3, "price_desc").getLast();
        long old = photos(one, key);
        assertThat(photos(two, key)).isEqualTo(old); // cached in both L1s and in Redis

        long changed = changeBehindTheCaches(key);
        assertThat(photos(two, key)).as("no node knows yet").isEqualTo(old);

        HttpResponse<String> purged = invalidate(one, "{\"key\":\"" + key + "\"}");
        assertThat(purged.statusCode()).as(purged.body()).isEqualTo(200);
        assertThat(new JsonObject(purged.body()).getJsonArray("reached").getList())
                .containsExactlyInAnyOrder("this node", "redis", "every node", "cdn");
        assertThat(photos(one, key)).isEqualTo(changed);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(photos(two, key)).isEqualTo(changed));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(bans).contains("BAN listing:" + key));
    }

    @Test
    void purgeAllReachesEveryNodeRedisAndTheCdn() throws Exception {
        List<String> both = keys(2, "price_asc");
        long[] changed = new long[both.size()];
        for (int i = 0; i < both.size(); i++) {
            photos(one, both.get(i));
            photos(two, both.get(i));
            changed[i] = changeBehindTheCaches(both.get(i));
        }

        HttpResponse<String> purged = invalidate(two, "{\"all\":true}");
        assertThat(purged.statusCode()).as(purged.body()).isEqualTo(200);
        for (int i = 0; i < both.size(); i++) {
            String key = both.get(i);
            long expected = changed[i];
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(photos(one, key)).isEqualTo(expected);
                assertThat(photos(two, key)).isEqualTo(expected);
            });
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(bans).contains("BAN all"));
    }
}
