package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.balancer.scaling.Autoscaler;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cluster --min 1 --max 2 --warm-pool 1} with real worker JVMs and PostgreSQL: the standby is started,
 * warmed and listed as "standby" without getting a request; an event's floor of 2 workers admits it with no
 * new JVM; when the event ends the scale-in drains it back into the pool (the process keeps running), and no
 * request of a paced client fails throughout. Two worker JVMs in all, so that it stays short.
 */
@Tag("postgres")
class WarmPoolClusterTest {
    private static final String TOKEN = "warm-pool-test-admin-token-42";
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;


    private HttpResponse<String> admin(ClusterRuntime c, String method, String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.adminPort() + path))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject c(ClusterRuntime cluster, String id) throws Exception {
        return new JsonObject(admin(cluster, "GET", "/admin/cluster", null).body()).getJsonArray("workers").stream()
                .map(o -> (JsonObject) o).filter(w -> w.getString("id").equals(id)).findFirst().orElseThrow();
    }

    private static String state(ClusterRuntime c, String id) {
        return c.gatewayRuntime().pool.workers().stream().filter(w -> w.id().equals(id)).map(w -> w.state()).findFirst().orElse("absent");
    }

    @Test
    void theStandbyIsAdmittedWithoutANewWorkerAndDrainedBackIntoThePool() throws Exception {
        ClusterCommand cmd = new ClusterCommand();
        // the SLO and the p99 step are set far above this machine's latencies: the scale-out must be the event's,
        // not a slow moment's (a p99 step 1 -> 2 while the standby started claimed it, which is another test's subject)
        new CommandLine(cmd).parseArgs("--workers", "1", "--min", "1", "--max", "2", "--warm-pool", "1",
                "--scaling-policy", "reactive", "--slo", "30s", "--step", "p99>=60000:+1", "--scale-down-stabilization", "3s", "--scale-in-cooldown", "1s",
                "--port", "0", "--host", "127.0.0.1", "--listings", "300", "--data-dir", dir.resolve("pg").toString(),
                "--state-dir", dir.resolve("cluster").toString(), "--admin-token", TOKEN, "--health-interval", "500ms",
                "--health-timeout", "3s", "--drain-timeout", "10s", "--slow-start", "2s");
        ClusterRuntime cluster = ClusterRuntime.start(cmd.settings(), cmd.balancer, cmd.autoscale, System.out);
        // registered when ready; routed to after the gateway's first passing checks: the load starts then
        await().atMost(Duration.ofSeconds(30)).until(() -> state(cluster, "worker-1").equals("up"));
        try (PacedClient load = new PacedClient(client, cluster.port(), 200, Duration.ofSeconds(60))) {
            Autoscaler autoscaler = cluster.autoscaler();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> autoscaler.warmPool().warm().size() == 1);
            // on this shared machine the policy may also scale on its own (in-flight at start-up): count from here
            long admittedBefore = autoscaler.warmPool().admitted();
            long returnedBefore = autoscaler.warmPool().returned();
            String standby = autoscaler.warmPool().warm().getFirst();
            assertThat(cluster.processes()).hasSize(2);
            JsonObject view = new JsonObject(admin(cluster, "GET", "/admin/cluster", null).body());
            JsonObject listed = view.getJsonArray("workers").stream().map(o -> (JsonObject) o)
                    .filter(w -> w.getString("id").equals(standby)).findFirst().orElseThrow();
            assertThat(listed.getString("state")).isEqualTo("standby");
            assertThat(listed.getString("health")).isEqualTo("up");
            long requestsAsStandby = listed.getLong("requests");
            int served = load.servedBy.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.servedBy.size() > served + 20);
            assertThat(c(cluster, standby).getLong("requests")).as("a standby gets no request through the gateway").isEqualTo(requestsAsStandby);
            assertThat(view.getJsonObject("autoscaler").getJsonObject("warmPool").getInteger("target")).isEqualTo(1);

            // an event asks for 2 workers: the standby is admitted; at the maximum no replacement is started
            assertThat(admin(cluster, "POST", "/admin/cluster/events", "{\"name\":\"open house\",\"durationSeconds\":8,\"minWorkers\":2}")
                    .statusCode()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> state(cluster, standby).equals("up"));
            assertThat(autoscaler.warmPool().admitted()).isGreaterThan(admittedBefore);
            assertThat(cluster.processes()).as("no worker JVM was started for the scale-out").hasSize(2);
            await().atMost(Duration.ofSeconds(30)).until(() -> load.servedBy.contains(standby));

            // the event ends: one worker drains back into the pool, which is short at 1 in rotation; it keeps running
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> autoscaler.warmPool().returned() > returnedBefore && autoscaler.warmPool().warm().size() == 1);
            String parked = autoscaler.warmPool().warm().getFirst();
            assertThat(state(cluster, parked)).isEqualTo("standby");
            assertThat(cluster.processes()).hasSize(2).containsKey(parked);
            // the gauges are the control step's: the next step after the return counts the standby
            await().atMost(Duration.ofSeconds(10)).until(() -> admin(cluster, "GET", "/admin/cluster/metrics", null).body()
                    .contains("hexproperty_autoscaler_standby_workers 1\n"));
            String metrics = admin(cluster, "GET", "/admin/cluster/metrics", null).body();
            assertThat(metrics)
                    .contains("hexproperty_autoscaler_warm_pool_returns_total " + autoscaler.warmPool().returned() + "\n")
                    .contains("hexproperty_autoscaler_worker_seconds_total{role=\"standby\"}");
            load.close();
            assertThat(List.copyOf(load.failures)).isEmpty();
        } finally {
            cluster.close();
        }
    }
}
