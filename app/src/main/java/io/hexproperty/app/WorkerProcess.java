package io.hexproperty.app;

import java.io.IOException;
import java.io.OutputStream;
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
import java.util.function.Consumer;

/**
 * One supervised worker JVM: started with its stdin piped from us (its parent watchdog), its output in its
 * own log, restarted with exponential backoff (1 s doubling to 30 s, reset after a minute of uptime) when
 * it exits unasked. {@link #stop} closes its stdin (the worker drains and exits) and kills it after the
 * grace period.
 */
final class WorkerProcess {
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    final String id;
    final int port;
    final int agentPort;
    final Path dir;
    private final List<String> command;
    private final java.util.Map<String, String> environment;
    private final Consumer<String> console;
    private volatile Process process;
    private volatile boolean stopping;
    private volatile int restarts;
    private Thread supervisor;

    WorkerProcess(String id, int port, int agentPort, Path dir, List<String> command, Consumer<String> console) {
        this(id, port, agentPort, dir, command, console, java.util.Map.of());
    }

    /** {@code environment}: added to the worker's (secrets go here rather than on its command line). */
    WorkerProcess(String id, int port, int agentPort, Path dir, List<String> command, Consumer<String> console,
                  java.util.Map<String, String> environment) {
        this.environment = java.util.Map.copyOf(environment);
        this.id = id;
        this.port = port;
        this.agentPort = agentPort;
        this.dir = dir;
        this.command = List.copyOf(command);
        this.console = console;
    }

    URI origin() {
        return URI.create("http://127.0.0.1:" + port);
    }

    long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    int restarts() {
        return restarts;
    }

    /** Starts the worker and its supervisor; returns at once. */
    synchronized void start() throws IOException {
        Files.createDirectories(dir);
        process = launch();
        supervisor = Thread.ofVirtual().name("supervise-" + id).start(this::supervise);
    }

    private Process launch() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("worker.log").toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(environment);
        return pb.start();
    }

    private void supervise() {
        Duration backoff = FIRST_BACKOFF;
        while (!stopping) {
            Process p = process;
            long startedAt = System.nanoTime();
            int exit;
            try {
                exit = p.waitFor();
            } catch (InterruptedException e) {
                return;
            }
            if (stopping) {
                return;
            }
            if (System.nanoTime() - startedAt > TimeUnit.MINUTES.toNanos(1)) {
                backoff = FIRST_BACKOFF;
            }
            console.accept("hexproperty: worker " + id + " (pid " + p.pid() + ") exited with " + exit + "; restarting in "
                    + backoff.toMillis() + " ms (log: " + dir.resolve("worker.log") + ")");
            try {
                Thread.sleep(backoff.toMillis()); // the backoff itself: a crash loop must not spin
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            synchronized (this) {
                if (stopping) {
                    return;
                }
                try {
                    process = launch();
                    restarts++;
                } catch (IOException e) {
                    console.accept("hexproperty: worker " + id + " could not be restarted: " + e.getMessage());
                }
            }
        }
    }

    /** True once the worker answers 200 on /health/ready. */
    boolean ready(HttpClient client) {
        try {
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(origin().resolve("/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Asks the worker to stop (closes its stdin: it drains and exits); kills it after {@code grace}. */
    void stop(Duration grace) {
        Process p;
        synchronized (this) {
            stopping = true;
            p = process;
        }
        if (supervisor != null) {
            supervisor.interrupt();
        }
        if (p == null || !p.isAlive()) {
            return;
        }
        try (OutputStream in = p.getOutputStream()) {
            // closing is the message
        } catch (IOException e) {
            // already closed
        }
        try {
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                console.accept("hexproperty: worker " + id + " did not stop within " + grace.toSeconds() + " s; killing it");
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The JVM command line that runs {@code worker} with the current JVM and classpath. */
    static List<String> javaCommand(List<String> workerArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String opts = System.getenv().getOrDefault("HEXPROPERTY_WORKER_JAVA_OPTS", "-Xms128m -Xmx512m");
        for (String o : opts.strip().split("\\s+")) {
            if (!o.isEmpty()) {
                cmd.add(o);
            }
        }
        cmd.add("--enable-native-access=ALL-UNNAMED");
        String home = System.getProperty("hexproperty.home");
        if (home != null) {
            cmd.add("-Dhexproperty.home=" + home);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.add("worker");
        cmd.addAll(workerArgs);
        return cmd;
    }
}
