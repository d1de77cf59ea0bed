package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.balancer.gateway.Gateway;
import io.hexproperty.balancer.gateway.GatewayConfig;
import io.hexproperty.balancer.gateway.WorkerView;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code hexproperty cluster} with real worker JVMs on a real embedded PostgreSQL: a client paced at
 * ~200 GETs/s sees no failure while a worker is killed with -9 (and it comes back), a SIGSTOP'd worker is
 * taken out, a drained worker gets nothing new, and no worker outlives a kill -9 of the cluster process.
 */
@Tag("postgres")
class ClusterIntegrationTest {
    private static final String TOKEN = "cluster-test-admin-token-42";
    /** Longer than a request and its one retry may take in the gateway, so a failure seen here is the gateway's. */
    /**
     * How long a liveness wait ("200 more GETs completed", "the worker is back") may take. These bounds are not what
     * the test proves (that is: no failed GET), so they are generous: on a machine whose two cores are shared with
     * other builds, 200 paced GETs took more than 30 s, and the test failed on the wait, not on a failed request.
     */
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final Duration CLIENT_TIMEOUT = GatewayConfig.defaults().acquireTimeout()
            .plus(GatewayConfig.defaults().requestTimeout()).multipliedBy(2).plusSeconds(5);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private ClusterRuntime start(String... extra) throws Exception {
        return start(3, ClusterRuntime.Config.FIRST_RESTART_BACKOFF, extra);
    }

    private ClusterRuntime start(int workers, Duration restartBackoff, String... extra) throws Exception {
        ClusterCommand cmd = new ClusterCommand();
        List<String> args = new ArrayList<>(List.of("--workers", String.valueOf(workers), "--port", "0", "--host", "127.0.0.1", "--listings", "300",
                "--data-dir", dir.resolve("pg").toString(), "--state-dir", dir.resolve("cluster").toString(),
                // the gateway's own timeouts (request, acquire, connect) stay at their defaults: a loaded machine makes a
                // healthy worker slow, and a tighter request timeout turned that into 504s that this test is not about
                "--admin-token", TOKEN, "--health-interval", "500ms", "--health-timeout", "3s", "--drain-timeout", "3s",
                "--slow-start", "2s"));
        args.addAll(List.of(extra));
        new CommandLine(cmd).parseArgs(args.toArray(String[]::new));
        return ClusterRuntime.start(cmd.settings().withRestartBackoff(restartBackoff), cmd.balancer, System.out);
    }

    /**
     * The load of these tests is a {@link PacedClient}: GETs at a fixed pace (200/s: a slow answer does not slow
     * the arrivals) until stopped, with at most
     * {@link #MAX_IN_FLIGHT} outstanding: a tick that finds them all out is skipped and counted. Without the cap,
     * a machine whose cores other builds take serves fewer than 200/s, the queue grows without bound and requests
     * time out whether or not a worker was killed; with it, every request that is sent still crosses the kill
     * (dozens are in flight on the killed worker) and any failure is the gateway's.
     */
    private static final int MAX_IN_FLIGHT = 32;

    private static WorkerView worker(ClusterRuntime c, String id) {
        return c.gatewayRuntime().pool.workers().stream().filter(w -> w.id().equals(id)).findFirst().orElseThrow();
    }

    private static void signal(String sig, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, String.valueOf(pid)).inheritIO().start().waitFor()).isZero();
    }

    @Test
    void killedWorkerCostsNoFailedGetAndComesBackStoppedWorkerIsTakenOutDrainedWorkerGetsNothing() throws Exception {
        ClusterRuntime cluster = start("--balancer", "round-robin");
        List<Long> pids = new ArrayList<>();
        try {
            cluster.processes().values().forEach(p -> pids.add(p.pid()));
            int port = cluster.port();
            WorkerProcess w2 = cluster.processes().get("worker-2");
            long oldPid = w2.pid();

            // kill -9 under a paced load: no failed GET, and the worker is restarted and back in rotation
            try (PacedClient load = new PacedClient(client, port, 5, CLIENT_TIMEOUT, MAX_IN_FLIGHT)) {
                await().atMost(PATIENCE).until(() -> load.completed.get() > 200);
                signal("KILL", oldPid);
                await().atMost(PATIENCE).until(() -> w2.restarts() == 1 && w2.alive()
                        && worker(cluster, "worker-2").state().equals("up"));
                long at = load.completed.get();
                await().atMost(PATIENCE).until(() -> load.completed.get() > at + 200);
                load.close();
                assertThat(load.failures).isEmpty();
                assertThat(w2.pid()).isNotEqualTo(oldPid);
                pids.add(w2.pid());
            }
            assertThat(worker(cluster, "worker-2").requests()).isPositive();

            // SIGSTOP: the worker is taken out (health down or ejected) with no failed GET; SIGCONT brings it back
            WorkerProcess w3 = cluster.processes().get("worker-3");
            try (PacedClient load = new PacedClient(client, port, 5, CLIENT_TIMEOUT, MAX_IN_FLIGHT)) {
                await().atMost(PATIENCE).until(() -> load.completed.get() > 100);
                signal("STOP", w3.pid());
                try {
                    await().atMost(PATIENCE).until(() -> worker(cluster, "worker-3").state().matches("down|ejected"));
                    long at = load.completed.get();
                    await().atMost(PATIENCE).until(() -> load.completed.get() > at + 200);
                } finally {
                    signal("CONT", w3.pid());
                }
                await().atMost(PATIENCE).until(() -> worker(cluster, "worker-3").state().equals("up"));
                load.close();
                assertThat(load.failures).isEmpty();
            }

            // drain through the admin API: in-flight finish, nothing new goes to it
            HttpResponse<String> drain = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.adminPort()
                            + "/admin/cluster/workers/worker-1/drain")).header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(drain.statusCode()).isEqualTo(202);
            await().atMost(PATIENCE).until(() -> worker(cluster, "worker-1").inFlight() == 0);
            long drainedRequests = worker(cluster, "worker-1").requests();
            try (PacedClient load = new PacedClient(client, port, 5, CLIENT_TIMEOUT, MAX_IN_FLIGHT)) {
                await().atMost(PATIENCE).until(() -> load.completed.get() > 200);
                load.close();
                assertThat(load.failures).isEmpty();
                assertThat(load.servedBy).doesNotContain("worker-1").contains("worker-2", "worker-3");
            }
            assertThat(worker(cluster, "worker-1").requests()).isEqualTo(drainedRequests);

            JsonObject status = new JsonObject(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.adminPort()
                    + "/admin/cluster")).header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(status.getJsonArray("workers")).hasSize(3);
            assertThat(ClusterCommand.table(status)).contains("worker-1").contains("draining");
        } finally {
            cluster.close();
        }
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("worker pid %d stopped", pid).isFalse();
        }
    }

    /**
     * kill -9 of a worker, then another program takes its port before the restart (ports are chosen free and
     * bound later by the child, so nothing reserves them). The worker must come back on another port, the
     * gateway must serve through it there, and nothing (request or probe) may reach the squatter. The restart
     * backoff is 5 s here so that the squatter surely binds first.
     */
    @Test
    void aCrashedWorkerWhosePortWasTakenComesBackOnAnotherPortBehindTheGateway() throws Exception {
        ClusterRuntime cluster = start(2, Duration.ofSeconds(5), "--balancer", "round-robin");
        try (java.nio.channels.ServerSocketChannel squatter = java.nio.channels.ServerSocketChannel.open()) {
            WorkerProcess w2 = cluster.processes().get("worker-2");
            int oldPort = w2.port();
            ProcessHandle victim = ProcessHandle.of(w2.pid()).orElseThrow();
            signal("KILL", victim.pid());
            victim.onExit().get(30, TimeUnit.SECONDS);
            // once the supervisor has told the pool, before the restart: the gateway forgets the address at once
            await().atMost(PATIENCE).until(() -> worker(cluster, "worker-2").state().equals("restarting"));
            squatter.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), oldPort));
            squatter.configureBlocking(false);
            assertThat(w2.restarts()).as("the squatter bound the port before the restart").isZero();

            await().atMost(PATIENCE).until(() -> w2.restarts() == 1 && w2.alive() && worker(cluster, "worker-2").state().equals("up"));
            assertThat(w2.port()).isNotEqualTo(oldPort);
            assertThat(worker(cluster, "worker-2").origin()).isEqualTo("http://127.0.0.1:" + w2.port());
            List<String> servedBy = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.port()
                        + "/api/v1/listings?state=TX&limit=5")).timeout(CLIENT_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                r.headers().firstValue(Gateway.SERVED_BY).ifPresent(servedBy::add);
                return servedBy.contains("worker-2");
            });
            assertThat(squatter.accept()).as("a connection reached the stale address").isNull();
            // cluster status reads the new port from cluster.json
            await().atMost(PATIENCE).until(() -> {
                JsonObject state = new JsonObject(Files.readString(dir.resolve("cluster").resolve("cluster.json")));
                return state.getJsonArray("workers").stream().map(JsonObject.class::cast)
                        .anyMatch(w -> w.getString("id").equals("worker-2") && w.getInteger("port") == w2.port());
            });
        } finally {
            cluster.close();
        }
    }

    @Test
    void noWorkerOutlivesAKillMinusNineOfTheClusterProcess() throws Exception {
        Path state = dir.resolve("cluster2");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "cluster", "--workers", "2", "--port", "0", "--host", "127.0.0.1", "--listings", "100",
                "--data-dir", dir.resolve("pg2").toString(), "--state-dir", state.toString(), "--admin-token", TOKEN));
        Process cluster = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("cluster2.log").toFile()).start();
        List<Long> workers = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(240)).until(() -> readyWorkers(state, workers));
            assertThat(workers).hasSize(2).allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            cluster.destroyForcibly(); // SIGKILL: no shutdown hook runs
            cluster.waitFor(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> workers.stream()
                    .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
        } finally {
            cluster.destroyForcibly();
            for (long pid : workers) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static boolean readyWorkers(Path state, List<Long> out) throws IOException {
        Path file = state.resolve("cluster.json");
        if (!Files.isRegularFile(file)) {
            return false;
        }
        JsonObject json;
        try {
            json = new JsonObject(Files.readString(file));
        } catch (RuntimeException e) {
            return false;
        }
        if (json.getJsonArray("workers").size() < 2) {
            return false;
        }
        out.clear();
        json.getJsonArray("workers").forEach(w -> out.add(((JsonObject) w).getLong("pid")));
        // both registered and answering through the gateway
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + json.getInteger("port") + "/health/live")).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200 && json.getJsonArray("workers").size() == 2;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
