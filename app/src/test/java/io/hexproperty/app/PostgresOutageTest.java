package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.database.embedded.EmbeddedDatabase;
import io.hexproperty.testing.lane.Postgres;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Keep serving when PostgreSQL is down (ADR 0016), against a real embedded PostgreSQL that the test
 * stops and starts again on the same port, under a read loop over real HTTP: no read of a cached
 * listing or page fails while it is down, writes get 503 with Retry-After at once, readiness says
 * "can serve, cannot write"; after the restart the change feed catches up from its sequence (no flush)
 * and a change made through another node reaches this one with its new version.
 */
@Postgres
class PostgresOutageTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Platform node(Path root, EmbeddedDatabase db, int listings) throws Exception {
        ServeConfig config = new ServeConfig("127.0.0.1", 0, root.resolve("pg"), db.url(), db.user(), db.password(),
                listings, 7, listings > 0, 2, 4, Duration.ofSeconds(2), root.resolve("token"), true, null);
        return new Platform(config, new PrintStream(System.out, true)).start();
    }

    private static HttpResponse<String> send(Platform node, String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double flushes(Platform node) {
        return node.metrics().registry().find("cache.invalidation.flushes").counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void cachedReadsSurviveAStoppedDatabaseAndTheFeedCatchesUpAfterItsReturn() throws Exception {
        Path root = Files.createTempDirectory("hexproperty-outage");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x")); // the server may run as nobody
        Path data = root.resolve("db");
        // port 0: EmbeddedDatabase chooses it and retries on another when the chosen one is taken before it binds
        EmbeddedDatabase db = EmbeddedDatabase.start(data, 0);
        int port = db.port();
        Platform a = null;
        Platform b = null;
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread loop = null;
        try {
            a = node(Files.createDirectories(root.resolve("a")), db, 400);
            b = node(Files.createDirectories(root.resolve("b")), db, 0);
            String token = Files.readString(root.resolve("a").resolve("token")).strip();

            List<String> pages = List.of("/api/v1/listings?limit=20&sort=price_desc",
                    "/api/v1/listings?limit=5&sort=newest", "/api/v1/listings?limit=10&sort=price_asc&minPrice=1");
            List<String> keys = new ArrayList<>();
            for (JsonObject item : ApiIntegrationTest.items(send(a, "GET", pages.getFirst(), null))) {
                keys.add(item.getString("ListingKey"));
            }
            // One listing the demo agent owns (generated ones belong to the feed account): it changes after the restart.
            HttpResponse<String> created = send(a, "POST", "/api/v1/listings", BadInputTest.with("ListingId", "OUTAGE-1"),
                    "Authorization", "Bearer " + token, "Content-Type", "application/json");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String owned = new JsonObject(created.body()).getString("ListingKey");
            keys.add(1, owned);
            List<String> paths = new ArrayList<>(pages);
            keys.forEach(k -> paths.add("/api/v1/listings/" + k));
            for (String path : paths) {
                assertThat(send(a, "GET", path, null).statusCode()).as(path).isEqualTo(200); // now cached on A
            }

            // The read loop: every cached path, round and round, on node A.
            List<String> failures = new CopyOnWriteArrayList<>();
            Map<String, Long> newest = new ConcurrentHashMap<>();
            List<String> regressions = new CopyOnWriteArrayList<>();
            AtomicLong reads = new AtomicLong();
            Platform reader = a;
            loop = Thread.ofPlatform().name("outage-reader").start(() -> {
                for (int i = 0; reading.get(); i++) {
                    String path = paths.get(i % paths.size());
                    try {
                        HttpResponse<String> r = send(reader, "GET", path, null);
                        if (r.statusCode() != 200) {
                            failures.add(path + " -> " + r.statusCode() + " " + r.body());
                        } else if (path.startsWith("/api/v1/listings/")) {
                            long version = new JsonObject(r.body()).getLong("version");
                            Long before = newest.put(path, Math.max(version, newest.getOrDefault(path, 0L)));
                            if (before != null && version < before) {
                                regressions.add(path + " went from v" + before + " back to v" + version);
                            }
                        }
                    } catch (Exception e) {
                        failures.add(path + " -> " + e);
                    }
                    reads.incrementAndGet();
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> reads.get() >= paths.size() * 2L);

            db.close(); // PostgreSQL stops
            long readsAtStop = reads.get();
            Platform nodeA = a;
            await().atMost(Duration.ofSeconds(30)).until(() -> send(nodeA, "GET", "/health/write", null).statusCode() == 503);
            HttpResponse<String> ready = send(a, "GET", "/health/ready", null);
            assertThat(ready.statusCode()).as("a load balancer keeps a node that can serve").isEqualTo(200);
            JsonObject health = new JsonObject(ready.body());
            assertThat(health.getBoolean("serve")).isTrue();
            assertThat(health.getBoolean("write")).isFalse();

            HttpResponse<String> write = send(a, "PATCH", "/api/v1/listings/" + keys.getFirst(), "{\"PhotosCount\":9}",
                    "Authorization", "Bearer " + token, "Content-Type", "application/json");
            assertThat(write.statusCode()).isEqualTo(503);
            assertThat(write.headers().firstValue("Retry-After")).isPresent();
            assertThat(write.headers().firstValue("Content-Type")).hasValue("application/problem+json");

            await().atMost(Duration.ofSeconds(60)).until(() -> reads.get() - readsAtStop >= 300);
            assertThat(failures).as("reads of cached keys while PostgreSQL is down").isEmpty();

            db = EmbeddedDatabase.start(data, port); // back, same port
            Platform nodeB = b;
            await().atMost(Duration.ofSeconds(60)).until(() -> send(nodeB, "GET", "/health/write", null).statusCode() == 200
                    && send(nodeA, "GET", "/health/write", null).statusCode() == 200);

            // A change through the other node reaches A through its feed, which resumed from its sequence.
            String changed = keys.get(1);
            long before = new JsonObject(send(a, "GET", "/api/v1/listings/" + changed, null).body()).getLong("version");
            HttpResponse<String> patched = send(b, "PATCH", "/api/v1/listings/" + changed, "{\"PhotosCount\":21}",
                    "Authorization", "Bearer " + token, "Content-Type", "application/json");
            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
            long after = new JsonObject(patched.body()).getLong("version");
            assertThat(after).isEqualTo(before + 1);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    new JsonObject(send(nodeA, "GET", "/api/v1/listings/" + changed, null).body()).getLong("version") == after);

            reading.set(false);
            loop.join(30_000);
            assertThat(failures).as("failed reads across the outage and the restart").isEmpty();
            assertThat(regressions).as("versions going back").isEmpty();
            assertThat(flushes(a)).as("caches flushed on node A (the feed catches up instead)").isZero();
        } finally {
            reading.set(false);
            if (loop != null) {
                loop.join(30_000);
            }
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
            db.close();
        }
    }
}
