package io.hexproperty.balancer.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.balancer.algorithms.LoadBalancer;
import io.hexproperty.balancer.gateway.ClusterAdmin;
import io.hexproperty.balancer.gateway.Gateway;
import io.hexproperty.balancer.gateway.GatewayConfig;
import io.hexproperty.balancer.gateway.PoolConfig;
import io.hexproperty.balancer.gateway.WorkerFleet;
import io.hexproperty.balancer.gateway.WorkerPool;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The autoscaler's actions with a warm pool, through the real gateway and pool on loopback, with in-process
 * workers (HTTP servers that answer with their id) and a policy the test sets: control steps are driven by
 * hand ({@link Autoscaler#tick}), so each step's effect is checked before the next.
 */
@Tag("unit")
class AutoscalerWarmPoolTest {
    private Vertx vertx;
    private WorkerPool pool;
    private Gateway gateway;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger desired = new AtomicInteger(1);

    /** Workers as in-process servers; standby starts complete at once unless {@link #holdStandbys}. */
    private final class InProcessFleet implements WorkerFleet {
        final Map<String, HttpServer> servers = new ConcurrentHashMap<>();
        final List<String> coldStarts = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> heldParks = new CopyOnWriteArrayList<>();
        final AtomicInteger next = new AtomicInteger(1);
        volatile boolean holdParks;

        String start() {
            String id = "worker-" + next.getAndIncrement();
            HttpServer s;
            try {
                s = vertx.createHttpServer().requestHandler(r -> r.response().end(id)).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(id + " did not listen within 10 s", e);
            }
            servers.put(id, s);
            return id;
        }

        URI origin(String id) {
            return URI.create("http://127.0.0.1:" + servers.get(id).actualPort());
        }

        @Override
        public CompletionStage<String> addWorker() {
            String id = start();
            coldStarts.add(id);
            pool.add(id, origin(id), 1, 0);
            return CompletableFuture.completedFuture(id);
        }

        @Override
        public CompletionStage<String> addStandby() {
            String id = start();
            pool.addStandby(id, origin(id), 1, 0);
            return CompletableFuture.completedFuture(id);
        }

        @Override
        public CompletionStage<Void> admit(String id) {
            pool.admit(id);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> park(String id) {
            if (holdParks) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                heldParks.add(f);
                return f.thenCompose(v -> park(id));
            }
            return pool.drain(id).thenRun(() -> {
                URI origin = origin(id);
                pool.remove(id);
                pool.addStandby(id, origin, 1, 0);
            });
        }

        @Override
        public CompletionStage<Void> removeWorker(String id) {
            return pool.drain(id).thenRun(() -> {
                pool.remove(id);
                servers.remove(id).close();
            });
        }

        @Override
        public List<String> workerIds() {
            return List.copyOf(servers.keySet());
        }
    }

    private final InProcessFleet fleet = new InProcessFleet();

    /** Wants whatever the test sets; says so. */
    private final ScalingPolicy policy = new ScalingPolicy() {
        @Override
        public Decision decide(MetricWindow window) {
            MetricSample s = window.latest();
            return new Decision(s.at(), s.currentWorkers(), desired.get(), "test", "the test wants " + desired.get(), false);
        }

        @Override
        public String name() {
            return "test";
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        // no active checks: a worker is trusted at once, so every state change here is the autoscaler's own
        pool = new WorkerPool(vertx, PoolConfig.defaults(), List.of(), System::nanoTime, Clock.systemUTC());
        gateway = Gateway.start(vertx, GatewayConfig.defaults().withHost("127.0.0.1").withPort(0).withInstances(1), pool,
                LoadBalancer.roundRobin(), System::nanoTime).await(10, TimeUnit.SECONDS);
        String first = fleet.start();
        pool.add(first, fleet.origin(first), 1, 0);
    }

    @AfterEach
    void tearDown() throws Exception {
        gateway.close();
        pool.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private Autoscaler autoscaler(int warmPool, int max, ConnectionBudget budget) {
        ScalingConfig config = ScalingConfig.defaults().withBounds(1, max).withBudget(budget);
        WarmPool warm = new WarmPool(fleet, warmPool, max, budget, System::nanoTime);
        return new Autoscaler(vertx, policy, config, gateway, pool, fleet, EventBoard.empty(), warm, Clock.systemUTC());
    }

    private List<String> servedBy(int requests) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/api/v1/listings?limit=" + i))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            ids.add(r.body());
        }
        return ids;
    }

    private String state(String id) {
        return pool.workers().stream().filter(w -> w.id().equals(id)).findFirst().orElseThrow().state();
    }

    @Test
    void aScaleOutAdmitsTheStandbyWithoutAStartAndAScaleInDrainsItBack() throws Exception {
        Autoscaler autoscaler = autoscaler(1, 3, ConnectionBudget.defaults());
        AutoscalerAdmin admin = new AutoscalerAdmin(autoscaler, size -> CompletableFuture.completedFuture(null), WorkerSize::defaults);
        assertThat(autoscaler.tick()).isNull(); // the first step only takes the request counter's baseline
        autoscaler.tick(); // 1 in rotation: the pool starts its standby
        assertThat(autoscaler.warmPool().warm()).containsExactly("worker-2");
        assertThat(state("worker-2")).isEqualTo("standby");
        assertThat(servedBy(20)).as("a standby is out of rotation").containsOnly("worker-1");
        JsonObject cluster = ClusterAdmin.describe(gateway);
        admin.describe(cluster);
        assertThat(cluster.getJsonArray("workers").stream().map(o -> ((JsonObject) o).getString("state")).toList())
                .containsExactly("up", "standby");
        assertThat(cluster.getJsonObject("autoscaler").getJsonObject("warmPool").getJsonArray("warm").getList()).containsExactly("worker-2");
        assertThat(gateway.recentRequests().distinct(100)).as("sampled for the next warm-up").isNotEmpty()
                .allMatch(u -> u.startsWith("/api/v1/listings?limit="));

        desired.set(2);
        Decision out = autoscaler.tick();
        assertThat(out.desired()).isEqualTo(2);
        // admitted in this very step: in rotation, no worker started for it, the replacement standby started after
        assertThat(state("worker-2")).isEqualTo("up");
        assertThat(fleet.coldStarts).isEmpty();
        assertThat(autoscaler.warmPool().warm()).containsExactly("worker-3");
        assertThat(autoscaler.warmPool().admitted()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> servedBy(10).contains("worker-2"));
        assertThat(servedBy(20)).doesNotContain("worker-3");

        desired.set(3); // the maximum: the last standby is admitted and none is wanted any more
        autoscaler.tick();
        assertThat(fleet.coldStarts).isEmpty();
        assertThat(autoscaler.warmPool().target(3)).isZero();
        assertThat(autoscaler.warmPool().running()).isZero();

        desired.set(2); // scale-in: drained, then back into the pool (short at 2 in rotation), not stopped
        autoscaler.tick();
        await().atMost(Duration.ofSeconds(10)).until(() -> autoscaler.warmPool().warm().size() == 1);
        String parked = autoscaler.warmPool().warm().getFirst();
        assertThat(state(parked)).isEqualTo("standby");
        assertThat(fleet.servers).containsKey(parked);
        assertThat(autoscaler.warmPool().returned()).isEqualTo(1);
        assertThat(servedBy(20)).doesNotContain(parked);

        autoscaler.tick();
        String metrics = admin.prometheus();
        assertThat(metrics).contains("hexproperty_autoscaler_standby_workers 1\n")
                .contains("hexproperty_autoscaler_warm_pool_admissions_total 2\n")
                .contains("hexproperty_autoscaler_warm_pool_returns_total 1\n")
                .contains("hexproperty_autoscaler_worker_seconds_total{role=\"serving\"}")
                .contains("hexproperty_autoscaler_worker_seconds_total{role=\"standby\"}");
        assertThat(autoscaler.standbyWorkerSeconds()).isPositive();
    }

    @Test
    void aColdStartTheBudgetCannotHoldBesideAReturningStandbyIsRefusedAndSaysSo() throws Exception {
        // 30 connections, pool 10: three workers in all, standbys included
        Autoscaler autoscaler = autoscaler(1, 3, new ConnectionBudget(30, 0, 10));
        autoscaler.tick();
        autoscaler.tick();
        desired.set(3); // the standby is admitted, one more worker starts cold
        autoscaler.tick();
        assertThat(fleet.coldStarts).containsExactly("worker-3");

        fleet.holdParks = true; // the worker scaled in is still draining on its way back into the pool
        desired.set(2);
        autoscaler.tick();
        assertThat(autoscaler.warmPool().returning()).isEqualTo(1);

        desired.set(3); // 2 in rotation + 1 returning standby: a cold start would make 4
        autoscaler.tick();
        assertThat(fleet.coldStarts).hasSize(1);
        Decision refused = autoscaler.recentDecisions().getLast();
        assertThat(refused.refused()).isTrue();
        assertThat(refused.rule()).isEqualTo("budget");
        assertThat(refused.reason()).isEqualTo("refused 1 more worker(s): 4 workers x pool 10 = 40 connections > max_connections 30 "
                + "- reserve 0 = 30 with 2 in rotation and 1 warm-pool standby(s) counted");

        // drained and back in the pool: the next step admits it instead of starting anything
        fleet.holdParks = false;
        fleet.heldParks.getFirst().complete(null);
        await().atMost(Duration.ofSeconds(10)).until(() -> autoscaler.warmPool().warm().size() == 1);
        String back = autoscaler.warmPool().warm().getFirst();
        autoscaler.tick();
        assertThat(state(back)).isEqualTo("up");
        assertThat(fleet.coldStarts).hasSize(1);
    }
}
