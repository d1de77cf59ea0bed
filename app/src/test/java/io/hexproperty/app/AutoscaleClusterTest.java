package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.balancer.scaling.Autoscaler;
import io.hexproperty.balancer.scaling.Decision;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cluster --min 1 --max 4} with emulated capacity (20 rps per worker) under a step load on loopback:
 * the autoscaler scales out, then, when the load drops, back in after its stabilization window, and no
 * request fails throughout (scale-in drains), including a rolling resize of the worker (vertical). Worker JVMs
 * and PostgreSQL are real.
 */
@Tag("postgres")
class AutoscaleClusterTest {
    private static final String TOKEN = "autoscale-test-admin-token-42";
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;


    private JsonObject admin(ClusterRuntime c, String path) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.adminPort() + path))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private static long readyWorkers(ClusterRuntime c) {
        return c.gatewayRuntime().pool.workers().stream().filter(w -> w.state().equals("up")).count();
    }

    @Test
    void stepLoadScalesOutThenBackInAfterStabilizationAndResizesWithoutAFailedRequest() throws Exception {
        ClusterCommand cmd = new ClusterCommand();
        // the cold path: every scale-out starts a worker JVM, every scale-in stops one (WarmPoolClusterTest has the warm pool)
        new CommandLine(cmd).parseArgs("--workers", "1", "--min", "1", "--max", "4", "--warm-pool", "0", "--capacity-rps", "20",
                "--scaling-policy", "reactive", "--scale-down-stabilization", "20s", "--scale-in-cooldown", "5s",
                "--port", "0", "--host", "127.0.0.1", "--listings", "300", "--data-dir", dir.resolve("pg").toString(),
                "--state-dir", dir.resolve("cluster").toString(), "--admin-token", TOKEN, "--health-interval", "500ms",
                "--request-timeout", "60s", "--drain-timeout", "30s", "--slow-start", "2s");
        ClusterRuntime cluster = ClusterRuntime.start(cmd.settings(), cmd.balancer, cmd.autoscale, System.out);
        List<String> failures = new ArrayList<>();
        try {
            Autoscaler autoscaler = cluster.autoscaler();
            assertThat(autoscaler).isNotNull();
            long started = System.nanoTime();
            int port = cluster.port();
            // the first worker is registered when ready; the gateway routes to it after its first passing checks
            await().atMost(Duration.ofSeconds(30)).until(() -> readyWorkers(cluster) == 1);

            // step: 30 rps against one worker of 20 rps; the rate rule wants ceil(30 / 14) = 3 workers. The step is
            // kept small enough that the queue built during start-up stays below the gateway's 128 connections
            // per worker (a request waiting longer than the 1 s connect timeout for a pooled connection fails)
            try (PacedClient high = new PacedClient(client, port, 33, Duration.ofSeconds(90))) {
                await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1)).until(() -> readyWorkers(cluster) >= 3);
                high.close();
                failures.addAll(high.failures);
            }
            List<Decision> outs = autoscaler.recentDecisions().stream().filter(d -> d.desired() > d.current()).toList();
            assertThat(outs).isNotEmpty();
            assertThat(outs.getFirst().reason()).isNotBlank();

            // the load drops to 4 rps: back to one worker after the 20 s stabilization window, by drain
            try (PacedClient low = new PacedClient(client, port, 250, Duration.ofSeconds(90))) {
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> cluster.processes().size() == 1 && readyWorkers(cluster) == 1);
                long at = low.completed.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> low.completed.get() > at + 20);

                // vertical: a rolling resize replaces the worker by a new one of the new size, surge first
                String before = cluster.processes().keySet().iterator().next();
                assertThat(post(cluster, "/size", "{\"poolSize\":500,\"eventLoops\":1,\"heapMb\":384}").body()).contains("poolSize");
                HttpResponse<String> overBudget = post(cluster, "/size", "{\"poolSize\":90,\"eventLoops\":1,\"heapMb\":384}");
                assertThat(overBudget.statusCode()).isEqualTo(400);
                assertThat(overBudget.body()).contains("max_connections 100 - reserve 10 = 90");
                assertThat(post(cluster, "/size", "{\"poolSize\":6,\"eventLoops\":1,\"heapMb\":384}").statusCode()).isEqualTo(202);
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> !autoscaler.held()
                        && cluster.processes().size() == 1 && !cluster.processes().containsKey(before) && readyWorkers(cluster) == 1);
                assertThat(cluster.workerSize()).isEqualTo(new io.hexproperty.balancer.scaling.WorkerSize(6, 1, 384));
                long after = low.completed.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> low.completed.get() > after + 20);
                low.close();
                failures.addAll(low.failures);
            }
            assertThat(failures).isEmpty();
            List<Decision> ins = autoscaler.recentDecisions().stream().filter(d -> d.desired() < d.current()).toList();
            assertThat(ins).isNotEmpty();

            JsonObject state = admin(cluster, "/admin/cluster").getJsonObject("autoscaler");
            assertThat(state.getInteger("maxWorkers")).isEqualTo(4);
            assertThat(state.getJsonArray("recentDecisions")).isNotEmpty();
            assertThat(state.getJsonObject("decisionsByRule").fieldNames()).isNotEmpty();
            // vertical advice from what the real workers' agents reported (connections in use, heap after GC)
            JsonObject vertical = admin(cluster, "/admin/cluster").getJsonObject("vertical");
            assertThat(vertical.getInteger("usageSamples")).isGreaterThanOrEqualTo(30);
            assertThat(vertical.getString("reason")).startsWith("pool: p95 in use");
            assertThat(vertical.getJsonObject("current").getInteger("poolSize")).isEqualTo(6);
            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.adminPort()
                    + "/admin/cluster/metrics")).header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("hexproperty_autoscaler_desired_workers").contains("hexproperty_autoscaler_decisions_total{rule=");
            // Scaling cost: at least one worker ran through the whole run, never more than max + 1 (a roll's surge).
            double ran = (System.nanoTime() - started) / 1e9;
            assertThat(autoscaler.workerSeconds()).isBetween(0.5 * ran, 5 * ran + 30);
            assertThat(metrics.body()).contains("# TYPE hexproperty_autoscaler_worker_seconds_total counter");

            // events: a good one is accepted, bad input is a 400 problem naming the parameter
            HttpResponse<String> ok = post(cluster, "/events", "{\"name\":\"mail\",\"durationSeconds\":600,\"expectedRate\":10}");
            assertThat(ok.statusCode()).isEqualTo(201);
            HttpResponse<String> bad = post(cluster, "/events", "{\"name\":\"mail\",\"durationSeconds\":600,\"expectedRate\":\"lots\"}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.headers().firstValue("content-type")).hasValue("application/problem+json");
            assertThat(bad.body()).contains("expectedRate");
            assertThat(post(cluster, "/events", "{\"expectedRate\":10,\"durationSeconds\":5}").body()).contains("name");
            assertThat(post(cluster, "/events", "not json").statusCode()).isEqualTo(400);
        } finally {
            cluster.close();
        }
    }

    private HttpResponse<String> post(ClusterRuntime c, String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.adminPort() + "/admin/cluster" + path))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
