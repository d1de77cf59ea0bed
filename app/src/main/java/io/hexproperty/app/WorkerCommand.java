package io.hexproperty.app;

import io.hexproperty.balancer.health.WorkerAgent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hexproperty worker [options] -- <serve options>}: one cluster worker. It is {@code serve} plus the
 * agent port (resource reports, HAProxy agent-check) and a parent watchdog: when the supervising cluster
 * process dies, even by kill -9, its end of our stdin closes, we see EOF and stop (a parent-PID poll
 * backs that up), so no worker outlives its cluster.
 */
@Command(name = "worker", hidden = true, mixinStandardHelpOptions = true,
        description = "A cluster worker: serve + agent port + parent watchdog (started by `hexproperty cluster`).")
final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--agent-port", defaultValue = "0", description = "Agent port (default: none).")
    int agentPort;

    @Option(names = "--agent-host", defaultValue = "127.0.0.1", description = "Agent address (default: ${DEFAULT-VALUE}).")
    String agentHost;

    @Option(names = "--parent-pid", description = "Stop when this process is gone (default: no watch).")
    Long parentPid;

    @Option(names = "--watch-stdin", description = "Stop at EOF on stdin (the supervisor holds the other end).")
    boolean watchStdin;

    @CommandLine.Parameters(paramLabel = "SERVE_OPTION", description = "Options passed to serve.")
    List<String> serveArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (watchStdin) {
            Thread.ofPlatform().daemon().name("worker-stdin-watchdog").start(() -> exitAtEof(System.in));
        }
        if (parentPid != null) {
            Thread.ofPlatform().daemon().name("worker-parent-watchdog").start(() -> {
                while (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
                    try {
                        Thread.sleep(1000); // a poll: the stdin EOF is the fast path, this is the backstop
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                System.err.println("hexproperty worker: parent " + parentPid + " is gone; stopping");
                System.exit(0);
            });
        }
        WorkerAgent agent = null;
        if (agentPort > 0) {
            AtomicInteger waiters = new AtomicInteger();
            AtomicInteger inUse = new AtomicInteger(-1);
            agent = WorkerAgent.start(agentHost, agentPort, waiters::get, inUse::get);
            Integer metricsPort = managementPort(serveArgs);
            if (metricsPort != null && metricsPort > 0) {
                Thread.ofVirtual().name("worker-pool-usage").start(() -> scrapePool(metricsPort, waiters, inUse));
            }
        }
        WorkerAgent finalAgent = agent;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (finalAgent != null) {
                finalAgent.drain();
            }
        }, "worker-agent-drain"));
        return new CommandLine(new ServeCommand()).execute(serveArgs.toArray(String[]::new));
    }

    private static void exitAtEof(InputStream in) {
        try {
            while (in.read() >= 0) {
                // the supervisor never writes; any byte is ignored
            }
        } catch (IOException e) {
            // a broken pipe means the same as EOF
        }
        System.err.println("hexproperty worker: supervisor gone (stdin closed); stopping");
        System.exit(0);
    }

    /** The management port, where /metrics lives (the cluster passes one explicitly). */
    static Integer managementPort(List<String> args) {
        return option(args, "--management-port");
    }

    private static Integer option(List<String> args, String name) {
        for (int i = 0; i < args.size() - 1; i++) {
            if (args.get(i).equals(name)) {
                return Integer.valueOf(args.get(i + 1));
            }
        }
        return null;
    }

    /**
     * Pool waiters and connections in use from the worker's own Prometheus text on its management port
     * (db_client_connections_waiters, db_client_connections_used), once a second.
     */
    private static void scrapePool(int port, AtomicInteger waiters, AtomicInteger inUse) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(1)).build();
        while (true) {
            try {
                Thread.sleep(1000);
                HttpResponse<java.util.stream.Stream<String>> resp = client.send(req, HttpResponse.BodyHandlers.ofLines());
                double waiting = 0;
                double used = 0;
                boolean seen = false;
                for (String l : (Iterable<String>) resp.body()::iterator) {
                    if (l.startsWith("db_client_connections_waiters")) {
                        waiting += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
                    } else if (l.startsWith("db_client_connections_used")) {
                        used += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
                        seen = true;
                    }
                }
                waiters.set((int) waiting);
                inUse.set(seen ? (int) Math.round(used) : -1);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                waiters.set(0); // not up yet, or no pool metrics: report none rather than guess
                inUse.set(-1);
            }
        }
    }
}
