package io.hexproperty.balancer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.balancer.algorithms.LoadBalancer;
import io.hexproperty.balancer.health.HealthCheck;
import io.hexproperty.balancer.health.HealthCheckConfig;
import io.hexproperty.balancer.health.SlowStartConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The gateway over real HTTP: origins are Vert.x servers on free ports, the client is the JDK's. Failures
 * are real (a closed server socket, a server that never answers), never simulated inside the gateway.
 */
@Tag("unit")
class GatewayTest {
    private static final String TOKEN = "test-admin-token-0123456789";
    private Vertx vertx;
    private final List<HttpServer> origins = new ArrayList<>();
    private final Map<Integer, AtomicInteger> served = new ConcurrentHashMap<>();
    private WorkerPool pool;
    private Gateway gateway;
    private ClusterAdmin admin;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() throws Exception {
        io.hexproperty.testing.Teardown.closeAll(admin, gateway, pool);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** An origin answering 200 with its index; {@code stall} makes it accept and never answer. */
    private HttpServer origin(int index, AtomicBoolean stall, long delayMillis) throws Exception {
        AtomicInteger count = served.computeIfAbsent(index, i -> new AtomicInteger());
        HttpServer s = vertx.createHttpServer().requestHandler(req -> {
            if (stall.get()) {
                return; // a stopped process: the connection is open, nothing comes back
            }
            Runnable answer = () -> {
                if (!req.path().equals("/health")) { // health probes run on their own clock: counting them made drain racy
                    count.incrementAndGet();
                }
                req.response().putHeader("content-type", "application/json").end("{\"origin\":" + index + "}");
            };
            if (delayMillis > 0 && !req.path().equals("/health")) {
                vertx.setTimer(delayMillis, t -> answer.run());
            } else {
                answer.run();
            }
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        origins.add(s);
        return s;
    }

    private void startGateway(PoolConfig config, LoadBalancer lb, List<HttpServer> servers, Duration requestTimeout) throws Exception {
        pool = new WorkerPool(vertx, config, List.of(HealthCheck.http(vertx, "/health", 200, null)), System::nanoTime, Clock.systemUTC());
        for (int i = 0; i < servers.size(); i++) {
            pool.add("origin-" + i, URI.create("http://127.0.0.1:" + servers.get(i).actualPort()), 1, 0);
        }
        gateway = Gateway.start(vertx, GatewayConfig.defaults().withHost("127.0.0.1").withPort(0).withInstances(2)
                .withRequestTimeout(requestTimeout), pool, lb, System::nanoTime).await(10, TimeUnit.SECONDS);
        admin = ClusterAdmin.start(vertx, "127.0.0.1", 0, gateway, WorkerFleet.none(), TOKEN, LoadBalancer::named)
                .await(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(20)).until(() -> pool.workers().stream().allMatch(w -> w.state().equals("up")));
    }

    private static PoolConfig fastHealth() {
        return PoolConfig.defaults().withHealth(new HealthCheckConfig(Duration.ofMillis(200), Duration.ofMillis(300), 2, 2))
                .withSlowStart(new SlowStartConfig(Duration.ZERO, 10));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String method, String path, boolean withToken) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (withToken) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Runs {@code total} GETs on {@code threads} threads; returns the statuses that were not 200, with reasons. */
    interface Action {
        void run() throws Exception;
    }

    private List<String> load(int total, int threads, Action midway) throws Exception {
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger issued = new AtomicInteger();
        CountDownLatch half = new CountDownLatch(total / 2);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                while (issued.incrementAndGet() <= total) {
                    try {
                        HttpResponse<String> r = get("/api/v1/listings/L" + (issued.get() % 50));
                        if (r.statusCode() != 200) {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                    half.countDown();
                }
                return null;
            }));
        }
        half.await();
        midway.run();
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return failures;
    }

    @Test
    void aKilledOriginCostsNoFailedGet() throws Exception {
        List<HttpServer> servers = List.of(origin(0, new AtomicBoolean(), 0), origin(1, new AtomicBoolean(), 0), origin(2, new AtomicBoolean(), 0));
        startGateway(fastHealth(), LoadBalancer.roundRobin(), servers, Duration.ofSeconds(5));
        int before = served.get(1).get();
        List<String> failures = load(3000, 8, () -> servers.get(1).close().await(5, TimeUnit.SECONDS));
        assertThat(failures).isEmpty();
        assertThat(served.get(1).get()).isGreaterThan(before); // it did serve before it was killed
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.workers().get(1).state().matches("down|ejected"));
        JsonObject stats = gateway.stats();
        assertThat(stats.getLong("retries")).isPositive();
        assertThat(stats.getLong("retries")).isLessThanOrEqualTo((long) (0.2 * stats.getLong("requests")) + 20);
    }

    /**
     * A worker's process exits and another program takes its port before the supervisor restarts it elsewhere.
     * The squatter speaks HTTP and answers 200 to everything (health probes included), the worst case: the only
     * thing that keeps requests away from it is the pool knowing the process is gone. Panic at 100% makes the
     * gateway spread over every active worker as soon as one is not eligible, which is where a down worker would
     * still get traffic.
     */
    @Test
    void anExitedWorkerGetsNothingEvenInPanicAndItsRestartAtANewAddressIsServed() throws Exception {
        List<HttpServer> servers = List.of(origin(0, new AtomicBoolean(), 0), origin(1, new AtomicBoolean(), 0));
        PoolConfig config = fastHealth().withOutlier(new io.hexproperty.balancer.health.OutlierConfig(5, 2,
                Duration.ofSeconds(2), Duration.ofSeconds(60), 50, 100));
        startGateway(config, LoadBalancer.roundRobin(), servers, Duration.ofSeconds(5));
        int oldPort = servers.get(1).actualPort();
        servers.get(1).close().await(5, TimeUnit.SECONDS);
        assertThat(pool.exited("origin-1", "process exited with 137")).isTrue();
        AtomicInteger squatted = new AtomicInteger();
        HttpServer squatter = vertx.createHttpServer().requestHandler(req -> {
            squatted.incrementAndGet();
            req.response().end("{\"squatter\":true}");
        }).listen(oldPort, "127.0.0.1").await(10, TimeUnit.SECONDS);
        origins.add(squatter);
        assertThat(pool.workers().get(1).state()).isEqualTo("restarting");
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = get("/api/v1/listings/L" + i);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue(Gateway.SERVED_BY)).hasValue("origin-0");
        }
        assertThat(squatted).hasValue(0);

        int servedBefore = served.get(1).get();
        HttpServer moved = origin(1, new AtomicBoolean(), 0);
        URI newOrigin = URI.create("http://127.0.0.1:" + moved.actualPort());
        assertThat(pool.restarted("origin-1", newOrigin, 0)).isTrue();
        assertThat(pool.workers().get(1).origin()).isEqualTo(newOrigin.toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> pool.workers().get(1).state().equals("up"));
        List<String> servedBy = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = get("/api/v1/listings/L" + i);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            servedBy.add(r.headers().firstValue(Gateway.SERVED_BY).orElseThrow());
        }
        assertThat(servedBy).contains("origin-0", "origin-1");
        assertThat(served.get(1).get()).isGreaterThan(servedBefore);
        assertThat(squatted).hasValue(0);
        assertThat(pool.exited("no-such-worker", "x")).isFalse();
        assertThat(pool.restarted("no-such-worker", newOrigin, 0)).isFalse();
    }

    @Test
    void aRefusedConnectionEjectsTheOriginAtOnceWithoutWaitingForHealthChecks() throws Exception {
        List<HttpServer> servers = List.of(origin(0, new AtomicBoolean(), 0), origin(1, new AtomicBoolean(), 0), origin(2, new AtomicBoolean(), 0));
        // health checks too slow to notice, and 5 consecutive failures needed for anything but a refused connect
        PoolConfig config = PoolConfig.defaults().withHealth(new HealthCheckConfig(Duration.ofHours(1), Duration.ofSeconds(1), 1, 1))
                .withSlowStart(new SlowStartConfig(Duration.ZERO, 10))
                .withOutlier(new io.hexproperty.balancer.health.OutlierConfig(5, 5, Duration.ofMinutes(5), Duration.ofMinutes(10), 50, 50));
        startGateway(config, LoadBalancer.roundRobin(), servers, Duration.ofSeconds(5));
        servers.get(1).close().await(5, TimeUnit.SECONDS);
        for (int i = 0; i < 12; i++) { // sequential: round-robin reaches origin-1 within three requests, retried elsewhere
            HttpResponse<String> r = get("/api/v1/listings/L" + i);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue(Gateway.SERVED_BY)).isPresent().get().isNotEqualTo("origin-1");
        }
        WorkerView killed = pool.workers().get(1);
        assertThat(killed.state()).isEqualTo("ejected");
        assertThat(killed.failures()).isBetween(1L, 4L); // below the consecutive threshold of 5: the refusal ejected it
        assertThat(killed.health()).isEqualTo("up"); // the active check never ran again: passive detection did it
    }

    @Test
    void aWorkers503ToAGetIsRetriedElsewhereAndAPostsIsPassedOn() throws Exception {
        AtomicInteger unavailable = new AtomicInteger();
        HttpServer busy = vertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/health")) {
                req.response().end("ok");
                return;
            }
            unavailable.incrementAndGet();
            req.body().onSuccess(b -> req.response().setStatusCode(503).putHeader("retry-after", "2")
                    .putHeader("content-type", "application/problem+json").end("{\"status\":503}"));
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        origins.add(busy);
        // default outlier detection: five 503s in a row eject the busy worker; until then each 503 is retried
        PoolConfig config = fastHealth();
        startGateway(config, LoadBalancer.roundRobin(), List.of(busy, origin(1, new AtomicBoolean(), 0)), Duration.ofSeconds(5));
        // a POST is not idempotent: whatever answered it is the answer
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/api/v1/inquiries"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
        assertThat(statuses).contains(503, 200);
        int postsToBusy = unavailable.get();

        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = get("/api/v1/listings/L" + i);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue(Gateway.SERVED_BY)).hasValue("origin-1");
        }
        assertThat(unavailable.get()).as("round-robin sent some GETs to the busy worker first").isGreaterThan(postsToBusy);
        assertThat(gateway.stats().getLong("retries")).isEqualTo(unavailable.get() - postsToBusy);
    }

    @Test
    void aBodyIsForwardedAndHopByHopHeadersStayOnTheirHop() throws Exception {
        HttpServer echo = vertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/health")) {
                req.response().end("ok");
                return;
            }
            req.body().onSuccess(b -> req.response().putHeader("x-got-length", String.valueOf(b.length()))
                    .putHeader("x-got-custom", String.valueOf(req.getHeader("x-custom")))
                    .putHeader("keep-alive", "timeout=5")
                    .setChunked(true).end(b));
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        origins.add(echo);
        startGateway(fastHealth(), LoadBalancer.roundRobin(), List.of(echo), Duration.ofSeconds(5));
        String payload = "x".repeat(100_000);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/api/v1/inquiries"))
                .header("x-custom", "kept").POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(payload);
        assertThat(r.headers().firstValue("x-got-length")).hasValue("100000");
        assertThat(r.headers().firstValue("x-got-custom")).hasValue("kept");
        assertThat(r.headers().firstValue("keep-alive")).isEmpty();
    }

    @Test
    void theWorkerSeesTheClientsAddressAppendedToXForwardedForOnEveryAttempt() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicBoolean firstRefuses = new AtomicBoolean(true);
        HttpServer echo = vertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/health")) {
                req.response().end("ok");
                return;
            }
            seen.add(String.join(" / ", req.headers().getAll("x-forwarded-for")) + " | " + req.getHeader("x-forwarded-proto")
                    + " | " + req.getHeader("x-forwarded-host") + " | " + req.getHeader("forwarded"));
            if (req.path().equals("/retried") && firstRefuses.getAndSet(false)) {
                req.response().setStatusCode(503).end(); // retried once on the other worker: must not append twice
                return;
            }
            req.response().end("ok");
        });
        HttpServer a = echo.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        origins.add(a);
        HttpServer b = vertx.createHttpServer().requestHandler(echo.requestHandler()).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        origins.add(b);
        startGateway(fastHealth(), LoadBalancer.roundRobin(), List.of(a, b), Duration.ofSeconds(5));
        String host = "127.0.0.1:" + gateway.port();
        HttpClient from3 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .localAddress(java.net.InetAddress.getByName("127.0.0.3")).build();

        HttpResponse<String> plain = from3.send(HttpRequest.newBuilder(URI.create("http://" + host + "/plain")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);
        // two lines of a spoofed list are folded, the peer appended, Proto/Host replaced, Forwarded dropped
        HttpResponse<String> spoofed = from3.send(HttpRequest.newBuilder(URI.create("http://" + host + "/retried"))
                .header("X-Forwarded-For", "6.6.6.6").header("X-Forwarded-For", "[2001:db8::1]:80")
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "evil.example")
                .header("Forwarded", "for=7.7.7.7").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(spoofed.statusCode()).isEqualTo(200);
        String forwarded = "6.6.6.6, [2001:db8::1]:80, 127.0.0.3 | http | " + host + " | null";
        assertThat(seen).containsExactly("127.0.0.3 | http | " + host + " | null", forwarded, forwarded);
    }

    @Test
    void aStalledOriginIsEjectedAndItsRequestsRetriedElsewhere() throws Exception {
        AtomicBoolean stall = new AtomicBoolean();
        List<HttpServer> servers = List.of(origin(0, new AtomicBoolean(), 0), origin(1, stall, 0), origin(2, new AtomicBoolean(), 0));
        startGateway(fastHealth(), LoadBalancer.roundRobin(), servers, Duration.ofMillis(500));
        stall.set(true);
        List<String> failures = load(600, 4, () -> { });
        assertThat(failures).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.workers().get(1).state().matches("down|ejected"));
        WorkerView stalled = pool.workers().get(1);
        assertThat(stalled.failures()).isPositive();
        stall.set(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.workers().get(1).state().equals("up"));
    }

    @Test
    void switchingTheAlgorithmUnderLoadDropsNothing() throws Exception {
        List<HttpServer> servers = List.of(origin(0, new AtomicBoolean(), 0), origin(1, new AtomicBoolean(), 0), origin(2, new AtomicBoolean(), 0));
        startGateway(fastHealth(), LoadBalancer.roundRobin(), servers, Duration.ofSeconds(5));
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong done = new AtomicLong();
        Thread loadThread = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                try {
                    HttpResponse<String> r = get("/api/v1/listings/K" + (done.get() % 20) + "?state=TX");
                    if (r.statusCode() != 200) {
                        failures.add(r.statusCode() + " " + r.body());
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
                done.incrementAndGet();
            }
        });
        for (String name : LoadBalancer.NAMES) {
            long at = done.get();
            HttpResponse<String> r = admin("PUT", "/admin/cluster/balancer?name=" + name, true);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(r.body()).getString("balancer")).isEqualTo(name);
            await().atMost(Duration.ofSeconds(10)).until(() -> done.get() > at + 50);
        }
        running.set(false);
        loadThread.join();
        assertThat(failures).isEmpty();
        assertThat(new JsonObject(admin("GET", "/admin/cluster", true).body()).getString("balancer")).isEqualTo("hash");
    }

    @Test
    void drainWaitsForInFlightAndRoutesNothingNew() throws Exception {
        List<HttpServer> servers = List.of(origin(0, new AtomicBoolean(), 300), origin(1, new AtomicBoolean(), 0));
        startGateway(fastHealth(), LoadBalancer.roundRobin(), servers, Duration.ofSeconds(5));
        ExecutorService exec = Executors.newFixedThreadPool(4);
        List<Future<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            slow.add(exec.submit(() -> get("/x")));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.workers().get(0).inFlight() > 0);
        CompletionStage<Void> drained = pool.drain("origin-0");
        assertThat(drained.toCompletableFuture().isDone()).isFalse();
        for (Future<HttpResponse<String>> f : slow) {
            assertThat(f.get().statusCode()).isEqualTo(200); // in-flight requests finish on the draining worker
        }
        drained.toCompletableFuture().get(10, TimeUnit.SECONDS);
        int before = served.get(0).get();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = get("/y");
            assertThat(r.headers().firstValue(Gateway.SERVED_BY)).contains("origin-1");
        }
        assertThat(served.get(0).get()).isEqualTo(before);
        assertThat(pool.workers().get(0).state()).isEqualTo("draining");
        exec.shutdown();
    }

    @Test
    void noEligibleWorkerIsAProblemNotAStackTrace() throws Exception {
        List<HttpServer> servers = List.of(origin(0, new AtomicBoolean(), 0));
        startGateway(fastHealth(), LoadBalancer.roundRobin(), servers, Duration.ofSeconds(5));
        pool.drain("origin-0").toCompletableFuture().get(5, TimeUnit.SECONDS);
        HttpResponse<String> r = get("/api/v1/listings/X");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("content-type")).contains("application/problem+json");
        assertThat(r.body()).contains("no worker is eligible").doesNotContain("Exception");
    }

    @Test
    void adminApiNeedsTheTokenAndNamesBadParameters() throws Exception {
        startGateway(fastHealth(), LoadBalancer.roundRobin(), List.of(origin(0, new AtomicBoolean(), 0)), Duration.ofSeconds(5));
        assertThat(admin("GET", "/admin/cluster", false).statusCode()).isEqualTo(401);
        HttpResponse<String> bad = admin("PUT", "/admin/cluster/balancer?name=random", true);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("name: unknown balancer 'random'");
        assertThat(admin("PUT", "/admin/cluster/balancer", true).body()).contains("name: required");
        assertThat(admin("POST", "/admin/cluster/workers/nope/drain", true).statusCode()).isEqualTo(404);
        assertThat(admin("POST", "/admin/cluster/workers", true).statusCode()).isEqualTo(409); // fixed origins
        JsonObject view = new JsonObject(admin("GET", "/admin/cluster", true).body());
        assertThat(view.getJsonArray("workers")).hasSize(1);
        assertThat(view.getJsonArray("workers").getJsonObject(0).getJsonArray("healthHistory")).isNotEmpty();
    }
}
