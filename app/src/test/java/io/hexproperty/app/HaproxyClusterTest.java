package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hexproperty.balancer.gateway.HaproxyExport;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Debian's haproxy with the configuration {@code cluster export haproxy} writes, in front of real worker
 * JVMs: both workers serve, each server's weight is the one its agent reports (agent-check), and a worker
 * killed with -9 is taken out. Skipped where haproxy is not installed (apt-get install haproxy).
 */
@Tag("postgres")
class HaproxyClusterTest {
    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static final String TOKEN = "haproxy-test-admin-token-42";
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void haproxyWithTheExportedConfigFollowsAgentWeightsAndTakesOutAKilledWorker() throws Exception {
        assumeTrue(Files.isExecutable(HAPROXY), "haproxy is not installed (apt-get install haproxy)");
        ClusterCommand cmd = new ClusterCommand();
        new CommandLine(cmd).parseArgs("--workers", "2", "--port", "0", "--host", "127.0.0.1", "--listings", "200",
                "--data-dir", dir.resolve("pg").toString(), "--state-dir", dir.resolve("cluster").toString(),
                "--admin-token", TOKEN, "--balancer", "resource", "--drain-timeout", "3s");
        ClusterRuntime cluster = ClusterRuntime.start(cmd.settings(), cmd.balancer, System.out);
        Process haproxy = null;
        try {
            List<HaproxyExport.Server> servers = new ArrayList<>();
            cluster.processes().values().stream().sorted((a, b) -> a.id.compareTo(b.id))
                    .forEach(p -> servers.add(new HaproxyExport.Server(p.id, p.origin(), 100, p.agentPort())));
            int front = ClusterRuntime.freePort();
            Path socket = dir.resolve("haproxy.sock");
            String config = HaproxyExport.render(servers, cmd.balancer.haproxy(front))
                    .replace("global\n", "global\n    stats socket " + socket + " level admin\n");
            Path file = dir.resolve("haproxy.cfg");
            Files.writeString(file, config);
            assertThat(new ProcessBuilder(HAPROXY.toString(), "-c", "-f", file.toString()).inheritIO().start().waitFor())
                    .as("haproxy -c accepts the exported file").isZero();
            haproxy = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", file.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
            URI uri = URI.create("http://127.0.0.1:" + front + "/api/v1/listings?limit=2");

            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> servedBy(uri, 20).size() == 2);

            // agent-check: each server's weight is the percentage its worker's agent reports
            // (configured weight 100, so HAProxy's effective weight is the agent's percentage itself; at least one
            // below 100 shows the agent, not the configuration, set it)
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                Map<String, String> weights = weights(socket);
                if (weights.size() != 2) {
                    return false;
                }
                boolean belowConfigured = false;
                for (HaproxyExport.Server server : servers) {
                    int haproxyWeight = Integer.parseInt(weights.get(server.id()));
                    if (Math.abs(haproxyWeight - agentPercent(server.agentPort())) > 5) {
                        return false;
                    }
                    belowConfigured |= haproxyWeight < 100;
                }
                return belowConfigured;
            });

            WorkerProcess victim = cluster.processes().get("worker-2");
            new ProcessBuilder("kill", "-9", String.valueOf(victim.pid())).start().waitFor();
            // taken out: a run of consecutive answers all come from the survivor
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> servedBy(uri, 30).equals(java.util.Set.of("worker-1")));
            assertThat(status(socket).get("worker-2")).isNotEqualTo("UP");
        } finally {
            if (haproxy != null) {
                haproxy.destroy();
                haproxy.waitFor(10, TimeUnit.SECONDS);
            }
            cluster.close();
        }
    }

    /** What the worker's agent tells HAProxy now ("up 93%" -> 93). */
    private static int agentPercent(int port) throws IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.getOutputStream().write("haproxy\n".getBytes(StandardCharsets.US_ASCII));
            String line = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            return Integer.parseInt(line.replaceAll("^up (\\d+)%$", "$1"));
        }
    }

    private java.util.Set<String> servedBy(URI uri, int n) throws Exception {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("haproxy answered " + r.statusCode());
            }
            r.headers().firstValue("x-served-by").ifPresent(seen::add);
        }
        return seen;
    }

    /** Column values of {@code show stat} for the backend's servers, by server name. */
    private static Map<String, String> column(Path socket, String name) throws IOException {
        String csv = command(socket, "show stat");
        String[] lines = csv.split("\n");
        List<String> header = List.of(lines[0].replaceFirst("^# ", "").split(","));
        int col = header.indexOf(name);
        Map<String, String> out = new java.util.HashMap<>();
        for (String line : lines) {
            String[] f = line.split(",", -1);
            if (f.length > col && f[0].equals("workers") && f[1].startsWith("worker-")) {
                out.put(f[1], f[col]);
            }
        }
        return out;
    }

    private static Map<String, String> weights(Path socket) throws IOException {
        return column(socket, "weight");
    }

    private static Map<String, String> status(Path socket) throws IOException {
        return column(socket, "status");
    }

    private static String command(Path socket, String command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            try (InputStream in = java.nio.channels.Channels.newInputStream(ch)) {
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
        }
    }
}
