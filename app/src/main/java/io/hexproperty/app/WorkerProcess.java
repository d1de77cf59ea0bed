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
 *
 * <p>Ports: a restart reuses the worker's ports, except one that another process took while it was down
 * (ports are chosen free, closed, then bound by the child, so nothing reserves them in between): that one
 * is replaced by a new free port, otherwise the child would fail to bind and the supervisor crash-loop on it.
 * The check is itself a moment before the child binds, so a port taken in that moment still fails the
 * child; its exit goes through the backoff like any crash, and the next restart sees the port taken.
 * {@link Lifecycle} tells the owner when the process exits and when a new one starts, so that the
 * gateway stops routing to the old address at once and learns the new one.
 */
final class WorkerProcess {
    private static final Duration FIRST_BACKOFF = ClusterRuntime.Config.FIRST_RESTART_BACKOFF;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** The ports a worker listens on: HTTP, the agent (0: none) and management (0: none). */
    record Ports(int http, int agent, int management) {
        /** These ports, with each one that cannot be bound on loopback now replaced by a free one. */
        Ports rebound() throws IOException {
            return new Ports(rebind(http), agent == 0 ? 0 : rebind(agent), management == 0 ? 0 : rebind(management));
        }

        private static int rebind(int port) throws IOException {
            return bindable(port) ? port : ClusterRuntime.freePort();
        }
    }

    /** What the owner of a worker hears from its supervisor; called on the supervisor's thread. */
    interface Lifecycle {
        /** The process exited unasked; a restart follows after the backoff. */
        void exited(WorkerProcess worker, int exitCode);

        /** A new process was started (on {@link #ports()}, which may differ from before). */
        void restarted(WorkerProcess worker, Ports before);

        static Lifecycle none() {
            return new Lifecycle() {
                @Override
                public void exited(WorkerProcess worker, int exitCode) {
                }

                @Override
                public void restarted(WorkerProcess worker, Ports before) {
                }
            };
        }
    }

    final String id;
    final Path dir;
    private final java.util.function.Function<Ports, List<String>> command;
    private final java.util.Map<String, String> environment;
    private final Consumer<String> console;
    private final Lifecycle lifecycle;
    private final Duration firstBackoff;
    private volatile Ports ports;
    private volatile Process process;
    private volatile boolean stopping;
    private volatile int restarts;
    private Thread supervisor;

    WorkerProcess(String id, Ports ports, Path dir, java.util.function.Function<Ports, List<String>> command, Consumer<String> console) {
        this(id, ports, dir, command, console, java.util.Map.of(), Lifecycle.none(), FIRST_BACKOFF);
    }

    /**
     * @param command     the command line that runs the worker on the given ports
     * @param environment added to the worker's (secrets go here rather than on its command line)
     */
    WorkerProcess(String id, Ports ports, Path dir, java.util.function.Function<Ports, List<String>> command, Consumer<String> console,
                  java.util.Map<String, String> environment, Lifecycle lifecycle, Duration firstBackoff) {
        this.environment = java.util.Map.copyOf(environment);
        this.id = id;
        this.ports = ports;
        this.dir = dir;
        this.command = command;
        this.console = console;
        this.lifecycle = lifecycle;
        this.firstBackoff = firstBackoff;
    }

    Ports ports() {
        return ports;
    }

    int port() {
        return ports.http();
    }

    int agentPort() {
        return ports.agent();
    }

    URI origin() {
        return URI.create("http://127.0.0.1:" + ports.http());
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
        ProcessBuilder pb = new ProcessBuilder(command.apply(ports)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("worker.log").toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(environment);
        return pb.start();
    }

    private void supervise() {
        Duration backoff = firstBackoff;
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
                backoff = firstBackoff;
            }
            lifecycle.exited(this, exit);
            console.accept("hexproperty: worker " + id + " (pid " + p.pid() + ") exited with " + exit + "; restarting in "
                    + backoff.toMillis() + " ms (log: " + dir.resolve("worker.log") + ")");
            try {
                Thread.sleep(backoff.toMillis()); // the backoff itself: a crash loop must not spin
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            Ports before;
            synchronized (this) {
                if (stopping) {
                    return;
                }
                before = ports;
                try {
                    ports = before.rebound();
                    if (!ports.equals(before)) {
                        console.accept("hexproperty: worker " + id + ": a port it had is taken now (" + before + "); restarting it on "
                                + ports);
                    }
                    process = launch();
                    restarts++;
                } catch (IOException e) {
                    console.accept("hexproperty: worker " + id + " could not be restarted: " + e.getMessage());
                    continue; // the dead process is waited on again at once: the next round sleeps a longer backoff
                }
            }
            lifecycle.restarted(this, before);
        }
    }

    /** True when nothing listens on {@code port} on loopback or the wildcard address (the worker binds loopback). */
    static boolean bindable(int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true); // as the worker's servers do: a TIME_WAIT left by the dead worker does not count
            s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
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
