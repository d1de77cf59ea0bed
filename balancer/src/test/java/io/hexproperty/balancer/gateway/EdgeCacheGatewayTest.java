package io.hexproperty.balancer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.balancer.algorithms.LoadBalancer;
import io.hexproperty.balancer.gateway.edge.EdgeCacheConfig;
import io.hexproperty.balancer.gateway.edge.EdgeTier;
import io.hexproperty.balancer.health.HealthCheck;
import io.hexproperty.testing.lane.Unit;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's edge cache over real HTTP: a Vert.x origin on a free port whose answers each test scripts,
 * the JDK client in front. Counting the requests the origin sees is the evidence; nothing is timed.
 */
@Unit
class EdgeCacheGatewayTest {
    private static final String TOKEN = "test-admin-token-0123456789";
    private Vertx vertx;
    private HttpServer origin;
    private WorkerPool pool;
    private Gateway gateway;
    private ClusterAdmin admin;
    private final AtomicInteger originRequests = new AtomicInteger();
    private final List<String> conditionals = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicReference<Consumer<HttpServerRequest>> script = new AtomicReference<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        origin = vertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/health")) {
                req.response().end("ok");
                return;
            }
            originRequests.incrementAndGet();
            String inm = req.getHeader("if-none-match");
            if (inm != null) {
                conditionals.add(inm);
            }
            script.get().accept(req);
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    private void start(EdgeCacheConfig edge) throws Exception {
        pool = new WorkerPool(vertx, PoolConfig.defaults(), List.of(HealthCheck.http(vertx, "/health", 200, null)),
                System::nanoTime, Clock.systemUTC());
        pool.add("origin-0", URI.create("http://127.0.0.1:" + origin.actualPort()), 1, 0);
        gateway = Gateway.start(vertx, GatewayConfig.defaults().withHost("127.0.0.1").withPort(0).withInstances(2),
                edge, pool, LoadBalancer.named("round-robin"), System::nanoTime).await(10, TimeUnit.SECONDS);
        admin = ClusterAdmin.start(vertx, "127.0.0.1", 0, gateway, WorkerFleet.none(), TOKEN, LoadBalancer::named)
                .await(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(20)).until(() -> pool.workers().stream().allMatch(w -> w.state().equals("up")));
    }

    @AfterEach
    void tearDown() throws Exception {
        io.hexproperty.testing.Teardown.closeAll(admin, gateway, pool);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        return send("GET", path, headers);
    }

    private static String cacheStatus(HttpResponse<?> r) {
        return r.headers().firstValue(EdgeTier.CACHE_STATUS).orElse("");
    }

    @Test
    void aFreshResponseIsServedFromTheEdgeWithItsAgeAndHeadFromTheStoredGet() throws Exception {
        start(EdgeCacheConfig.ofMegabytes(8));
        script.set(req -> req.response().putHeader("cache-control", "public, max-age=60").end("v" + originRequests.get()));
        HttpResponse<String> first = get("/a");
        HttpResponse<String> second = get("/a");
        HttpResponse<String> head = send("HEAD", "/a");
        assertThat(first.body()).isEqualTo("v1");
        assertThat(second.body()).isEqualTo("v1");
        assertThat(cacheStatus(second)).contains("hit");
        assertThat(second.headers().firstValue("age")).isPresent();
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("content-length")).contains("2");
        assertThat(originRequests).hasValue(1);
    }

    @Test
    void varySelectsAVariantPerRequestValue() throws Exception {
        start(EdgeCacheConfig.ofMegabytes(8));
        script.set(req -> req.response().putHeader("cache-control", "max-age=60").putHeader("vary", "Accept-Language")
                .end("lang=" + req.getHeader("accept-language")));
        assertThat(get("/v", "Accept-Language", "en").body()).isEqualTo("lang=en");
        assertThat(get("/v", "Accept-Language", "fr").body()).isEqualTo("lang=fr");
        assertThat(get("/v", "Accept-Language", "en").body()).isEqualTo("lang=en");
        assertThat(get("/v", "Accept-Language", "fr").body()).isEqualTo("lang=fr");
        assertThat(originRequests).hasValue(2);
    }

    @Test
    void aStaleResponseIsRevalidatedWithItsEtagAndA304UpdatesTheStoredHead() throws Exception {
        start(EdgeCacheConfig.ofMegabytes(8));
        script.set(req -> {
            if ("\"v1\"".equals(req.getHeader("if-none-match"))) {
                req.response().setStatusCode(304).putHeader("etag", "\"v1\"").putHeader("cache-control", "max-age=0")
                        .putHeader("x-checked", String.valueOf(originRequests.get())).end();
            } else {
                req.response().putHeader("etag", "\"v1\"").putHeader("cache-control", "max-age=0")
                        .putHeader("x-checked", "1").end("body-v1");
            }
        });
        get("/r");
        HttpResponse<String> revalidated = get("/r");
        assertThat(revalidated.statusCode()).isEqualTo(200);
        assertThat(revalidated.body()).isEqualTo("body-v1");
        assertThat(revalidated.headers().firstValue("x-checked")).contains("2");
        assertThat(cacheStatus(revalidated)).contains("fwd-status=304");
        assertThat(conditionals).containsExactly("\"v1\"");
        // the client's own conditional is answered by the edge from the revalidated response
        HttpResponse<String> notModified = get("/r", "If-None-Match", "\"v1\"");
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();
    }

    @Test
    void anOriginErrorIsAnsweredWithTheStaleResponseWhileStaleIfErrorAllows() throws Exception {
        start(EdgeCacheConfig.ofMegabytes(8));
        script.set(req -> req.response().putHeader("cache-control", "max-age=0, stale-if-error=600").end("good"));
        assertThat(get("/e").body()).isEqualTo("good");
        script.set(req -> req.response().setStatusCode(500).end("broken"));
        HttpResponse<String> stale = get("/e");
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.body()).isEqualTo("good");
        assertThat(cacheStatus(stale)).contains("stale-if-error");
        // without stale-if-error the error goes through
        script.set(req -> req.response().putHeader("cache-control", "max-age=0").putHeader("etag", "\"x\"").end("plain"));
        get("/n");
        script.set(req -> req.response().setStatusCode(500).end("broken"));
        assertThat(get("/n").statusCode()).isEqualTo(500);
    }

    @Test
    void staleWhileRevalidateServesTheStoredResponseAndRevalidatesOnceInTheBackground() throws Exception {
        start(EdgeCacheConfig.ofMegabytes(8));
        script.set(req -> req.response().putHeader("cache-control", "max-age=0, stale-while-revalidate=600").end("v1"));
        assertThat(get("/s").body()).isEqualTo("v1");
        Promise<Void> release = Promise.promise();
        script.set(req -> release.future().onComplete(v ->
                req.response().putHeader("cache-control", "max-age=0, stale-while-revalidate=600").end("v2")));
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> stale = get("/s");
            assertThat(stale.body()).as("answered at once, while the revalidation is held").isEqualTo("v1");
            assertThat(cacheStatus(stale)).contains("stale-while-revalidate");
        }
        assertThat(originRequests).as("one background revalidation for five stale hits").hasValue(2);
        release.complete();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(get("/s").body()).isEqualTo("v2"));
    }

    @Test
    void fillsAndBackgroundRevalidationsTellTheWorkerWhoTheClientIs() throws Exception {
        start(EdgeCacheConfig.ofMegabytes(8));
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        script.set(req -> {
            seen.add(req.getHeader("x-forwarded-for") + " | " + req.getHeader("x-forwarded-proto") + " | "
                    + req.getHeader("x-forwarded-host") + " | " + req.getHeader("forwarded"));
            req.response().putHeader("cache-control", "max-age=0, stale-while-revalidate=600").end("v" + originRequests.get());
        });
        String host = "127.0.0.1:" + gateway.port();
        // from 127.0.0.2 (all of 127/8 is loopback on Linux), so the appended address is not the gateway's own
        HttpClient from2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .localAddress(java.net.InetAddress.getByName("127.0.0.2")).build();
        HttpRequest spoofing = HttpRequest.newBuilder(URI.create("http://" + host + "/fwd")).timeout(Duration.ofSeconds(30))
                .header("X-Forwarded-For", "6.6.6.6").header("X-Forwarded-Proto", "https")
                .header("Forwarded", "for=7.7.7.7").build();
        assertThat(from2.send(spoofing, HttpResponse.BodyHandlers.ofString()).body()).as("the miss's fill").isEqualTo("v1");
        HttpResponse<String> stale = from2.send(spoofing, HttpResponse.BodyHandlers.ofString());
        assertThat(cacheStatus(stale)).contains("stale-while-revalidate");
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 2);
        assertThat(seen).as("fill, then background revalidation").containsExactly(
                "6.6.6.6, 127.0.0.2 | http | " + host + " | null",
                "6.6.6.6, 127.0.0.2 | http | " + host + " | null");
    }

    @Test
    void concurrentMissesForOneUriMakeOneOriginRequest() throws Exception {
        start(EdgeCacheConfig.ofMegabytes(8));
        Promise<Void> release = Promise.promise();
        script.set(req -> release.future().onComplete(v ->
                req.response().putHeader("cache-control", "max-age=60").end("once")));
        int n = 24;
        HttpClient burst = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(burst.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/hot"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        // every request is either the one fill or waiting on it, before the origin answers
        await().atMost(Duration.ofSeconds(30)).until(() ->
                gateway.edge().stats().getLong("coalesced") + gateway.edge().stats().getLong("misses") == n);
        release.complete();
        for (CompletableFuture<HttpResponse<String>> a : answers) {
            HttpResponse<String> r = a.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("once");
        }
        assertThat(originRequests).hasValue(1);
        assertThat(gateway.edge().stats().getLong("misses")).isEqualTo(1);
        burst.close();
    }

    @Test
    void aSuccessfulUnsafeRequestInvalidatesItsTargetAndLocation() throws Exception {
        start(EdgeCacheConfig.ofMegabytes(8));
        AtomicInteger version = new AtomicInteger(1);
        script.set(req -> {
            switch (req.method().name()) {
                case "PATCH" -> {
                    version.incrementAndGet();
                    req.response().end("patched");
                }
                case "POST" -> {
                    version.incrementAndGet();
                    req.response().setStatusCode(201).putHeader("location", "/items/2").end();
                }
                default -> req.response().putHeader("cache-control", "max-age=600").end("v" + version.get());
            }
        });
        assertThat(get("/items/1").body()).isEqualTo("v1");
        assertThat(get("/items/2").body()).isEqualTo("v1");
        assertThat(get("/items/1").body()).isEqualTo("v1");
        assertThat(send("PATCH", "/items/1").statusCode()).isEqualTo(200);
        assertThat(get("/items/1").body()).isEqualTo("v2");
        assertThat(get("/items/2").body()).as("not the PATCH's target: still stored").isEqualTo("v1");
        assertThat(send("POST", "/items").statusCode()).isEqualTo(201);
        assertThat(get("/items/2").body()).as("the POST's Location").isEqualTo("v3");
    }

    @Test
    void aPurgeBySurrogateKeyOnTheAdminPortDropsTaggedEntries() throws Exception {
        start(EdgeCacheConfig.ofMegabytes(8));
        AtomicInteger version = new AtomicInteger(1);
        script.set(req -> req.response().putHeader("cache-control", "max-age=600")
                .putHeader("surrogate-key", req.path().equals("/l/A") ? "listing:A city:x" : "listing:B")
                .end(req.path() + " v" + version.get()));
        get("/l/A");
        get("/l/B");
        version.set(2);
        HttpResponse<String> purge = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port()
                        + "/admin/cluster/edge/purge")).method("BAN", HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + TOKEN).header("X-Purge-Keys", "city:x").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(purge.statusCode()).isEqualTo(200);
        assertThat(get("/l/A").body()).isEqualTo("/l/A v2");
        assertThat(get("/l/B").body()).isEqualTo("/l/B v1");
        HttpResponse<String> noToken = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port()
                + "/admin/cluster/edge/purge")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).isEqualTo(401);
        HttpResponse<String> noKey = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port()
                        + "/admin/cluster/edge/purge")).POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noKey.statusCode()).isEqualTo(400);
        assertThat(noKey.body()).contains("key");
    }

    @Test
    void privateNoStoreAndCredentialedRequestsAreNotShared() throws Exception {
        start(EdgeCacheConfig.ofMegabytes(8));
        script.set(req -> req.response().putHeader("cache-control", req.path().equals("/p") ? "private, max-age=60" : "max-age=60")
                .end("x"));
        get("/p");
        get("/p");
        get("/auth", "Authorization", "Bearer abc");
        get("/auth", "Authorization", "Bearer abc");
        assertThat(originRequests).hasValue(4);
    }

    @Test
    void withTheCacheOffEveryRequestReachesTheOriginUntouched() throws Exception {
        start(EdgeCacheConfig.defaults());
        script.set(req -> req.response().putHeader("cache-control", "max-age=60").end("x"));
        HttpResponse<String> a = get("/off");
        get("/off");
        assertThat(originRequests).hasValue(2);
        assertThat(a.headers().firstValue(EdgeTier.CACHE_STATUS)).isEmpty();
        assertThat(gateway.edge()).isNull();
        HttpResponse<String> off = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port()
                + "/admin/cluster/edge")).header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(off.statusCode()).isEqualTo(404);
    }
}
