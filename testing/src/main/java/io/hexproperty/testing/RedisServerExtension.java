package io.hexproperty.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts real redis-server processes for a test class: one standalone server, or a Redis Cluster of
 * {@code n} masters formed with {@code CLUSTER MEET} and {@code CLUSTER ADDSLOTS} (no redis-cli
 * needed). Redis cannot bind port 0, so free ports are chosen first (for a cluster also port + 10000,
 * the cluster bus). Another process may take a chosen port before redis-server binds it (other test
 * classes start servers in parallel): a node counts as up only when the server answering on its port
 * reports the pid of the process we started, and a first start that lost a port ("Address already in use")
 * is retried on new ports. Nothing is persisted.
 *
 * <p>The binary is the system's {@code redis-server} when one is on the PATH (or in /usr/bin), else
 * the redis-server 6.2.6 for linux-amd64 that {@code com.github.codemonstur:embedded-redis} ships,
 * unpacked once per machine: a fresh machine with only a JDK and Maven runs the Redis tests as
 * PostgreSQL's come from zonky.
 * <pre>
 * &#64;RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();
 * ... RedisTierConfig.defaults(redis.url()) ...
 * </pre>
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

    private static final Duration STARTUP = Duration.ofSeconds(20);
    private static final int START_ATTEMPTS = 5;

    private final int nodes;
    private final boolean cluster;
    private final List<Integer> ports = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private Path dir;
    private String clusterFailure;
    private final java.util.function.IntSupplier portChooser;

    private RedisServerExtension(int nodes, boolean cluster) {
        this(nodes, cluster, cluster ? RedisServerExtension::freeClusterPort : RedisServerExtension::freePort);
    }

    /** {@code portChooser}: the next port to try for a node (a test makes it hand out a taken one first). */
    RedisServerExtension(int nodes, boolean cluster, java.util.function.IntSupplier portChooser) {
        this.nodes = nodes;
        this.cluster = cluster;
        this.portChooser = portChooser;
    }

    public static RedisServerExtension standalone() {
        return new RedisServerExtension(1, false);
    }

    public static RedisServerExtension cluster(int masters) {
        return new RedisServerExtension(masters, true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        serverBinary(); // fails here, with the reason, if there is no binary at all
        dir = Files.createTempDirectory("redis-test");
        for (int attempt = 1; ; attempt++) {
            ports.clear();
            for (int i = 0; i < nodes; i++) {
                ports.add(portChooser.getAsInt());
            }
            try {
                start();
                break;
            } catch (PortTaken e) {
                stop();
                if (attempt == START_ATTEMPTS) {
                    throw new IOException("redis-server lost its port to another process " + START_ATTEMPTS + " times in a row", e);
                }
            }
        }
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
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", nodeDir.toString()));
            if (serverMajorVersion() >= 7) {
                command.addAll(List.of("--enable-debug-command", "yes")); // 7.0+ only; 6.2 allows DEBUG anyway
            }
            if (cluster) {
                command.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "5000"));
            }
            processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(nodeDir.resolve("redis.log").toFile()).start());
        }
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(i);
            Process process = processes.get(i);
            // ours, not just any server on the port: another redis-server there would answer PING as well
            String pid = "process_id:" + process.pid();
            await("redis-server (pid " + process.pid() + ") on port " + port).atMost(STARTUP).pollInterval(Duration.ofMillis(20))
                    .until(() -> !process.isAlive() || answers(port, pid));
            if (!process.isAlive()) {
                String log = Files.readString(dir.resolve(Integer.toString(port)).resolve("redis.log"));
                if (log.contains("Address already in use")) {
                    throw new PortTaken(port, log);
                }
                throw new IOException("redis-server on port " + port + " exited with " + process.exitValue() + ":\n" + log);
            }
        }
    }

    /** A node's port was taken by another process between choosing it and redis-server binding it. */
    private static final class PortTaken extends IOException {
        PortTaken(int port, String log) {
            super("redis-server could not bind port " + port + " (Address already in use):\n" + log);
        }
    }

    private static boolean answers(int port, String pidLine) {
        try {
            return command(port, Duration.ofSeconds(2), "INFO", "server").contains(pidLine);
        } catch (IOException e) {
            return false; // not listening yet
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

    /** Sends one command to the first node and returns its reply as redis-cli prints it. */
    public String cli(String... args) throws IOException {
        return cliAt(port(), args);
    }

    /** Sends one command to the node on {@code port} and returns its reply as redis-cli prints it. */
    public String cliAt(int port, String... args) throws IOException {
        return command(port, args);
    }

    /**
     * Sends one command without waiting for the reply, e.g. {@code DEBUG SLEEP 2} to make the server
     * slow; the returned future completes with the reply.
     */
    public CompletableFuture<String> cliAsync(String... args) {
        int port = port();
        return CompletableFuture.supplyAsync(() -> {
            try {
                return command(port, Duration.ofMinutes(1), args);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, runnable -> Thread.ofVirtual().start(runnable));
    }

    /** Introduces every node to the first, splits the 16384 slots evenly, waits for cluster_state:ok. */
    private void createCluster() throws IOException {
        try {
            for (int port : ports.subList(1, ports.size())) {
                expectOk(command(port, "CLUSTER", "MEET", "127.0.0.1", Integer.toString(ports.getFirst())), "MEET");
            }
            int slots = 16384;
            for (int i = 0; i < ports.size(); i++) {
                int from = slots * i / ports.size();
                int to = slots * (i + 1) / ports.size();
                List<String> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
                for (int slot = from; slot < to; slot++) {
                    args.add(Integer.toString(slot));
                }
                expectOk(command(ports.get(i), args.toArray(String[]::new)), "ADDSLOTS");
            }
            for (int port : ports) {
                await("cluster_state:ok on port " + port).atMost(STARTUP).pollInterval(Duration.ofMillis(50))
                        .ignoreExceptions().until(() -> command(port, "CLUSTER", "INFO").contains("cluster_state:ok"));
            }
        } catch (IOException | RuntimeException e) {
            clusterFailure = "cluster not formed: " + e.getMessage();
        }
    }

    private static void expectOk(String reply, String step) {
        if (!"OK".equals(reply)) {
            throw new IllegalStateException("CLUSTER " + step + " answered " + reply);
        }
    }

    /** One command over a raw socket (RESP); the reply as redis-cli prints it (errors as "ERR ..."). */
    public static String command(int port, String... args) throws IOException {
        return command(port, Duration.ofSeconds(10), args);
    }

    private static String command(int port, Duration timeout, String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout((int) timeout.toMillis());
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                request.writeBytes(bytes);
                request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            return reply(new BufferedInputStream(socket.getInputStream()));
        }
    }

    private static String reply(InputStream in) throws IOException {
        String line = line(in);
        if (line.isEmpty()) {
            throw new IOException("empty reply");
        }
        String rest = line.substring(1);
        return switch (line.charAt(0)) {
            case '+', '-', ':' -> rest;
            case '$' -> {
                int length = Integer.parseInt(rest);
                if (length < 0) {
                    yield "";
                }
                byte[] body = in.readNBytes(length + 2);
                yield new String(body, 0, length, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int count = Integer.parseInt(rest);
                StringBuilder all = new StringBuilder();
                for (int i = 0; i < count; i++) {
                    all.append(i == 0 ? "" : "\n").append(reply(in));
                }
                yield all.toString();
            }
            default -> throw new IOException("unexpected reply " + line);
        };
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != -1; ) {
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
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

    /** The redis-server this machine runs the tests with: the system's, else the embedded-redis one. */
    public static synchronized String serverBinary() {
        if (binary == null) {
            binary = systemBinary().orElseGet(RedisServerExtension::unpackEmbedded);
        }
        return binary;
    }

    private static String binary;
    private static int majorVersion;

    /** The major version of {@link #serverBinary()} ({@code redis-server --version}: "... v=7.0.15 ..."). */
    private static synchronized int serverMajorVersion() throws IOException {
        if (majorVersion == 0) {
            Process p = new ProcessBuilder(serverBinary(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("v=(\\d+)\\.").matcher(out);
            majorVersion = m.find() ? Integer.parseInt(m.group(1)) : 6;
        }
        return majorVersion;
    }

    private static java.util.Optional<String> systemBinary() {
        String path = System.getenv().getOrDefault("PATH", "");
        List<Path> candidates = new ArrayList<>();
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "redis-server"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).map(Path::toString).findFirst();
    }

    /** Unpacks the embedded-redis binary once per machine (content-addressed, so versions never mix). */
    private static String unpackEmbedded() {
        String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("no redis-server on the PATH, and embedded-redis has none for "
                    + os + "/" + arch + ": install redis-server");
        }
        try (InputStream in = RedisServerExtension.class.getResourceAsStream(EMBEDDED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("no redis-server on the PATH and " + EMBEDDED_RESOURCE
                        + " is not on the classpath (com.github.codemonstur:embedded-redis)");
            }
            byte[] bytes = in.readAllBytes();
            String digest = java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
            Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "hexproperty-redis-" + digest));
            Path target = dir.resolve("redis-server");
            if (!Files.isExecutable(target)) {
                Path partial = Files.createTempFile(dir, "redis-server", ".partial");
                Files.write(partial, bytes);
                partial.toFile().setExecutable(true, false);
                Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return target.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + EMBEDDED_RESOURCE, e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String EMBEDDED_RESOURCE = "/redis-server-6.2.6-v5-linux-amd64";
}
