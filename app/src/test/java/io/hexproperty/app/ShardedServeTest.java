package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.database.sharding.ShardMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code serve --shards 3} end to end: three embedded servers, routed reads and writes, per-shard invalidation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Postgres
class ShardedServeTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ShardMap map = ShardMap.byState(3);
    private Path root;
    private Platform platform;
    private String base;
    private String token;

    @BeforeAll
    void start() throws Exception {
        root = Files.createTempDirectory("hexproperty-shards-it");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        ServeConfig config = new ServeConfig("127.0.0.1", 0, root.resolve("pg"), null, "postgres", "postgres",
                1500, 7, true, 2, 8, Duration.ofSeconds(2), root.resolve("demo-agent-token"), true, null, ServeConfig.CacheConfig.defaults(), 3, Replication.Config.none());
        platform = new Platform(config, new PrintStream(System.out, true)).start();
        base = "http://127.0.0.1:" + platform.port();
        token = TestAgents.broker(platform); // seeded listings belong to the MLS feed: a broker changes them
    }

    @AfterAll
    void stop() throws IOException {
        if (platform != null) {
            platform.close();
        }
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void eachShardHasItsOwnServerAndSearchesSpanOrStayOnShards() {
        for (int i = 0; i < 3; i++) {
            assertThat(root.resolve("pg").resolve("shard-" + i).resolve("pgdata")).isDirectory();
        }
        List<JsonObject> all = items(get("/api/v1/listings?limit=100&sort=price_asc"));
        assertThat(all).hasSize(100);
        Set<Integer> shards = all.stream().map(l -> map.shardOf(l.getString("StateOrProvince"))).collect(Collectors.toSet());
        assertThat(shards).containsExactlyInAnyOrder(0, 1, 2);
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).getLong("ListPrice")).isGreaterThanOrEqualTo(all.get(i - 1).getLong("ListPrice"));
        }
        assertThat(items(get("/api/v1/listings?state=CA&limit=50"))).isNotEmpty()
                .allSatisfy(l -> assertThat(l.getString("StateOrProvince")).isEqualTo("CA"));
    }

    @Test
    void writesGoToTheStatesShardAndCachedPagesFollowThroughThatShardsFeed() {
        String body = """
                {"ListingId":"SH-1","ListPrice":425000,"BedroomsTotal":3,"BathroomsTotalInteger":2,"LivingArea":1850,
                 "UnparsedAddress":"1 Shard Way","City":"Shardville","StateOrProvince":"TX",
                 "PostalCode":"77002","Latitude":29.75,"Longitude":-95.36,"PublicRemarks":"routed"}""";
        HttpResponse<String> created = send("POST", "/api/v1/listings", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        String search = "/api/v1/listings?city=Shardville&state=TX";
        assertThat(items(get(search))).extracting(l -> l.getLong("ListPrice")).containsExactly(425000L);

        HttpResponse<String> patched = send("PATCH", location, "{\"ListPrice\":399000}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(items(get(search))).extracting(l -> l.getLong("ListPrice")).containsExactly(399000L));

        HttpResponse<String> inquiry = send("POST", "/api/v1/inquiries", new JsonObject()
                .put("ListingKey", location.substring(location.lastIndexOf('/') + 1)).put("name", "Ann")
                .put("email", "ann@example.com").put("message", "Still available?").encode());
        assertThat(inquiry.statusCode()).as(inquiry.body()).isEqualTo(201);

        assertThat(send("DELETE", location, null).statusCode()).isEqualTo(204);
        assertThat(get(location).statusCode()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(10)).until(() -> platform.feedSequence() >= 3);
    }

    @Test
    void readinessCoversEveryShard() {
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    }

    private static List<JsonObject> items(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonArray items = new JsonObject(response.body()).getJsonArray("items");
        return items.stream().map(JsonObject.class::cast).toList();
    }

    private HttpResponse<String> get(String path) {
        return exchange(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    private HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return exchange(b);
    }

    private HttpResponse<String> exchange(HttpRequest.Builder builder) {
        try {
            return http.send(builder.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
