package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.balancer.gateway.WorkerFleet;
import io.hexproperty.balancer.health.WorkerAgent;
import io.hexproperty.balancer.scaling.Autoscaler;
import io.hexproperty.balancer.scaling.WorkerSize;
import io.hexproperty.testing.browser.HeadlessChromium;
import io.hexproperty.testing.browser.RequiresChromium;
import io.hexproperty.testing.lane.Browser;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The cluster panel of the dashboard on the gateway's admin port, in headless Chromium: the real gateway,
 * admin port, autoscaler and dashboard assets, in front of in-process HTTP workers, each with a real
 * {@link WorkerAgent} reporting connections in use. An announced event makes the autoscaler scale out;
 * the page must chart the workers and list the decision with its reason, and the vertical advice must
 * come from the usage the agents reported.
 */
@RequiresChromium
@Browser
class ClusterDashboardBrowserTest {
    private static final String TOKEN = "cluster-dashboard-test-token-42";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final Vertx workers = Vertx.vertx();
    private final HttpClient client = HttpClient.newHttpClient();
    private GatewayRuntime gateway;
    private Autoscaler autoscaler;
    private HeadlessChromium browser;

    /** Workers as in-process HTTP servers; each answers every path with 200 and has an agent that reports 3 connections in use. */
    private final class InProcessFleet implements WorkerFleet {
        private final AtomicInteger next = new AtomicInteger(1);
        private final Map<String, HttpServer> servers = new ConcurrentHashMap<>();
        private final Map<String, WorkerAgent> agents = new ConcurrentHashMap<>();

        @Override
        public CompletionStage<String> addWorker() {
            String id = "worker-" + next.getAndIncrement();
            return workers.createHttpServer().requestHandler(r -> r.response().putHeader("content-type", "application/json")
                            .end("{\"status\":\"UP\"}")).listen(0, "127.0.0.1").toCompletionStage()
                    .thenApply(server -> {
                        try {
                            WorkerAgent agent = WorkerAgent.start("127.0.0.1", 0, () -> 0, () -> 3);
                            agents.put(id, agent);
                            servers.put(id, server);
                            gateway.pool.add(id, URI.create("http://127.0.0.1:" + server.actualPort()), 1, agent.port());
                            return id;
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
        }

        @Override
        public CompletionStage<Void> removeWorker(String id) {
            gateway.pool.remove(id);
            WorkerAgent agent = agents.remove(id);
            if (agent != null) {
                agent.close();
            }
            HttpServer s = servers.remove(id);
            return s == null ? CompletableFuture.completedFuture(null) : s.close().toCompletionStage();
        }

        @Override
        public List<String> workerIds() {
            return List.copyOf(servers.keySet());
        }

        void closeAll() {
            agents.values().forEach(WorkerAgent::close);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (autoscaler != null) {
            autoscaler.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        workers.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void clusterPanelChartsWorkersAndListsDecisionsWithReasons() throws Exception {
        ClusterCommand cmd = new ClusterCommand();
        // --warm-pool 0: the in-process fleet keeps no standbys
        new CommandLine(cmd).parseArgs("--min", "1", "--max", "3", "--warm-pool", "0", "--capacity-rps", "10", "--port", "0", "--host", "127.0.0.1",
                "--admin-token", TOKEN, "--health-interval", "200ms");
        InProcessFleet fleet = new InProcessFleet();
        try {
            gateway = new GatewayRuntime(cmd.balancer).start(cmd.balancer, "127.0.0.1", 0, "127.0.0.1", 0, TOKEN, fleet);
            fleet.addWorker().toCompletableFuture().get(30, TimeUnit.SECONDS);
            autoscaler = AutoscaleWiring.start(cmd.autoscale, 8, gateway, fleet,
                    (size, budget) -> CompletableFuture.completedFuture(null), WorkerSize::defaults, System.out);
            String admin = "http://127.0.0.1:" + gateway.adminPort();

            // the dashboard is served without the token; the admin API still wants it
            assertThat(get(admin + "/admin/cluster", null).statusCode()).isEqualTo(401);
            HttpResponse<String> page = get(admin + "/dashboard", null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("id=\"cluster\"");

            // an announced open house: at least 2 workers now, which the event rule decides (with its reason)
            HttpResponse<String> event = client.send(HttpRequest.newBuilder(URI.create(admin + "/admin/cluster/events"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"open-house\",\"durationSeconds\":600,\"minWorkers\":2}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(event.statusCode()).isEqualTo(201);
            await().atMost(WAIT).until(() -> fleet.workerIds().size() == 2);

            browser = HeadlessChromium.launch(HeadlessChromium.Config.defaults().withViewport(1400, 1000));
            browser.open(admin + "/dashboard");
            browser.waitFor("window.hexDashboard.charts['c-workers'] !== undefined"
                    + " && window.hexDashboard.charts['c-workers'].data[1].some(v => v === 2)"
                    + " && document.querySelectorAll('#decisions tbody tr').length >= 1", WAIT);
            String decisions = browser.text("#decisions");
            assertThat(decisions).contains("1 \u2192 2").contains("open-house");
            assertThat(browser.evaluate("String(document.getElementById('cluster').hidden)")).isEqualTo("false");
            assertThat(browser.evaluate("String(document.querySelector('.charts.worker-only').hidden)")).isEqualTo("true");
            assertThat(browser.text("#t-policy")).isEqualTo("predictive, 1..3");

            // vertical: the advice comes from the usage the agents reported (3 in use -> pool ceil(3 x 1.25) = 4)
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> new JsonObject(get(admin + "/admin/cluster", TOKEN).body())
                    .getJsonObject("vertical").getInteger("usageSamples") >= 30);
            JsonObject vertical = new JsonObject(get(admin + "/admin/cluster", TOKEN).body()).getJsonObject("vertical");
            assertThat(vertical.getString("reason")).startsWith("pool: p95 in use 3.0");
            assertThat(vertical.getJsonObject("recommended").getInteger("poolSize")).isEqualTo(4);
            assertThat(vertical.getBoolean("changed")).isTrue();
            browser.waitFor("document.getElementById('vertical').textContent.indexOf('pool: p95 in use 3.0') >= 0", WAIT);
            assertThat(browser.pageErrors()).isEmpty();

            // a worker's own dashboard shows the same cluster, read from the admin API with the cluster's token
            try (ClusterPanel panel = ClusterPanel.start(workers, URI.create(admin + "/admin/cluster"), TOKEN)) {
                String workerPoint = new JsonObject().put("at", System.currentTimeMillis()).put("windowSeconds", 60)
                        .put("all", new JsonObject().put("rate", 5.0).put("p50", 0.001).put("p95", 0.002).put("p99", 0.004)
                                .put("errorRatio", 0.0).put("apdex", 1.0))
                        .put("cache", new JsonObject()).put("db", new JsonObject().put("used", 1).put("max", 8).put("waiters", 0))
                        .put("costPerThousand", 0.0001).encode();
                io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(workers);
                new io.hexproperty.http.Dashboard(workers, () -> panel.merge(workerPoint)).mount(router);
                HttpServer management = workers.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                        .await(10, TimeUnit.SECONDS);
                browser.open("http://127.0.0.1:" + management.actualPort() + "/dashboard");
                browser.waitFor("document.querySelectorAll('#decisions tbody tr').length >= 1"
                        + " && document.getElementById('t-workers').textContent === '2 / 2'"
                        + " && document.getElementById('t-rate').textContent === '5.0 req/s'", WAIT);
                assertThat(browser.text("#decisions")).contains("1 \u2192 2").contains("open-house");
                assertThat(browser.text("#t-policy")).isEqualTo("predictive, 1..3");
                assertThat(browser.evaluate("String(document.querySelector('.charts.worker-only').hidden)")).isEqualTo("false");
                assertThat(browser.pageErrors()).isEmpty();
            }
        } finally {
            fleet.closeAll();
        }
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
