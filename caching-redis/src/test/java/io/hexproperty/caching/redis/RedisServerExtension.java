package io.hexproperty.caching.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts real redis-server processes for a test class: one standalone server, or a Redis Cluster of
 * {@code n} masters created with {@code redis-cli --cluster create}. Redis cannot bind port 0, so free
 * ports are chosen first (for a cluster also port + 10000, the cluster bus). Nothing is persisted.
 * <pre>
 * &#64;RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();
 * ... RedisTierConfig.defaults(redis.url()) ...
 * </pre>
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

    private static final Duration STARTUP = Duration.ofSeconds(20);

    private final int nodes;
    private final boolean cluster;
    private final List<Integer> ports = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private Path dir;
    private String clusterFailure;

    private RedisServerExtension(int nodes, boolean cluster) {
        this.nodes = nodes;
        this.cluster = cluster;
    }

    public static RedisServerExtension standalone() {
        return new RedisServerExtension(1, false);
    }

    public static RedisServerExtension cluster(int masters) {
        return new RedisServerExtension(masters, true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("redis-test");
        for (int i = 0; i < nodes; i++) {
            ports.add(cluster ? freeClusterPort() : freePort());
        }
        start();
        if (cluster) {
            createCluster();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** redis://127.0.0.1:port, or for a cluster the comma-separated seed list. */
    public String url() {
        return ports.stream().map(p -> "redis://127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public int port() {
        return ports.getFirst();
    }

    /** Why the cluster could not be created on this machine, or null when it is up. */
    public String clusterFailure() {
        return clusterFailure;
    }

    /** Starts (or restarts, on the same ports) every node and waits until each answers PING. */
    public void start() throws IOException {
        processes.clear();
        for (int port : ports) {
            Path nodeDir = Files.createDirectories(dir.resolve(Integer.toString(port)));
            List<String> command = new ArrayList<>(List.of(serverBinary(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--enable-debug-command", "yes",
                    "--dir", nodeDir.toString()));
            if (cluster) {
                command.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "5000"));
            }
            processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(nodeDir.resolve("redis.log").toFile()).start());
        }
        for (int port : ports) {
            await("redis-server on port " + port).atMost(STARTUP).pollInterval(Duration.ofMillis(20))
                    .ignoreExceptions().until(() -> "+PONG".equals(command(port, "PING")));
        }
    }

    /** Stops every node (SIGTERM) and waits for the processes to exit. */
    public void stop() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** Runs redis-cli against the first node and returns its output. */
    public String cli(String... args) throws IOException, InterruptedException {
        return cliAt(port(), args);
    }

    /** Runs redis-cli against the node on {@code port} and returns its output. */
    public String cliAt(int port, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(cliBinary(), "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return out.strip();
    }

    /** Starts redis-cli without waiting for it, e.g. {@code DEBUG SLEEP 2} to make the server slow. */
    public Process cliAsync(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(cliBinary(), "-p", Integer.toString(port())));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private void createCluster() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(cliBinary(), "--cluster", "create"));
        ports.forEach(p -> command.add("127.0.0.1:" + p));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            clusterFailure = "redis-cli --cluster create failed: " + out;
            return;
        }
        try {
            for (int port : ports) {
                await("cluster_state:ok on port " + port).atMost(STARTUP).pollInterval(Duration.ofMillis(50))
                        .ignoreExceptions().until(() -> command(port, "CLUSTER", "INFO").contains("cluster_state:ok"));
            }
        } catch (RuntimeException e) {
            clusterFailure = "cluster did not reach cluster_state:ok: " + e.getMessage();
        }
    }

    /** One command over a raw socket (RESP), answering the first reply's text; enough for PING and INFO. */
    private static String command(int port, String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(2000);
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16384];
            int read = in.read(buffer);
            String reply = new String(buffer, 0, Math.max(0, read), StandardCharsets.UTF_8);
            if (reply.startsWith("$")) {
                int header = reply.indexOf("\r\n");
                int length = Integer.parseInt(reply.substring(1, header));
                StringBuilder body = new StringBuilder(reply.substring(header + 2));
                while (body.length() < length) {
                    int more = in.read(buffer);
                    if (more < 0) {
                        break;
                    }
                    body.append(new String(buffer, 0, more, StandardCharsets.UTF_8));
                }
                return body.toString();
            }
            return reply.strip();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A port p with p + 10000 (the cluster bus) free as well, both below 65536. */
    private static int freeClusterPort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            if (bindable(port) && bindable(port + 10_000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair (p, p + 10000) found in 20000-30000 after 200 attempts");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String serverBinary() {
        return Files.isExecutable(Path.of("/usr/bin/redis-server")) ? "/usr/bin/redis-server" : "redis-server";
    }

    private static String cliBinary() {
        return Files.isExecutable(Path.of("/usr/bin/redis-cli")) ? "/usr/bin/redis-cli" : "redis-cli";
    }
}
