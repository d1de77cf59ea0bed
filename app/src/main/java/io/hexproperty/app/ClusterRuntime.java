package io.hexproperty.app;

import io.hexproperty.balancer.gateway.WorkerFleet;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code hexproperty cluster}: one embedded PostgreSQL, N supervised worker JVMs sharing it (each with its
 * own state directory, L1 and change feed), and the gateway in front. The first worker seeds an empty
 * database; the others start once it is ready. It is also the {@link WorkerFleet} an autoscaler drives.
 * {@code <state-dir>/cluster.json} tells {@code cluster status} and {@code cluster export} where things are.
 */
final class ClusterRuntime implements WorkerFleet, AutoCloseable {
    /**
     * Everything the cluster needs besides the balancer options. {@code workerArgs}: more serve options for
     * every worker (its cache sizes); {@code restartBackoff}: the first wait before a crashed worker is started
     * again (it doubles up to 30 s).
     */
    record Config(int workers, String host, int port, String adminHost, int adminPort, Path stateDir,
                    DatabaseOptions db, int listings, long seed, Duration drainTimeout, String adminToken,
                    int workerEventLoops, int workerPoolSize, Duration readyTimeout, List<String> workerArgs,
                    Duration restartBackoff) {
        static final Duration FIRST_RESTART_BACKOFF = Duration.ofSeconds(1);

        Config {
            if (workers < 1 || workers > 64) {
                throw new StartupException("--workers must be between 1 and 64, got " + workers);
            }
            workerArgs = List.copyOf(workerArgs);
            if (restartBackoff.isNegative() || restartBackoff.compareTo(Duration.ofSeconds(30)) > 0) {
                throw new StartupException("the restart backoff must be between 0 and 30 s, was " + restartBackoff);
            }
        }

        /** The same cluster with another first restart backoff. */
        Config withRestartBackoff(Duration value) {
            return new Config(workers, host, port, adminHost, adminPort, stateDir, db, listings, seed, drainTimeout, adminToken,
                    workerEventLoops, workerPoolSize, readyTimeout, workerArgs, value);
        }
    }

    private final Config settings;
    private final BalancerOptions balancer;
    private final AutoscaleOptions autoscale;
    private io.hexproperty.balancer.scaling.Autoscaler autoscaler;
    private final PrintStream console;
    private final Map<String, WorkerProcess> processes = new ConcurrentHashMap<>();
    private final AtomicInteger nextIndex = new AtomicInteger(1);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final ScheduledExecutorService stateWriter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cluster-state");
        t.setDaemon(true);
        return t;
    });
    private Databases.Handle database;
    private GatewayRuntime gateway;
    private String token;
    private Path serverKeyFile;
    private volatile boolean closing;
    private volatile io.hexproperty.balancer.scaling.WorkerSize resized;

    private ClusterRuntime(Config settings, BalancerOptions balancer, AutoscaleOptions autoscale, PrintStream console) {
        this.settings = settings;
        this.balancer = balancer;
        this.autoscale = autoscale;
        this.console = console;
    }

    static ClusterRuntime start(Config settings, BalancerOptions balancer, PrintStream console) throws Exception {
        return start(settings, balancer, new AutoscaleOptions(), console);
    }

    static ClusterRuntime start(Config settings, BalancerOptions balancer, AutoscaleOptions autoscale, PrintStream console) throws Exception {
        balancer.validate();
        if (autoscale.enabled()) {
            autoscale.warmPoolSize(autoscale.config(settings.workerPoolSize())); // fail before anything starts
        }
        ClusterRuntime c = new ClusterRuntime(settings, balancer, autoscale, console);
        try {
            c.boot();
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void boot() throws Exception {
        Path dataDir = settings.db().dataDir;
        token = AdminToken.resolve(settings.adminToken(), ServeCommand.demoTokenFile(dataDir).resolveSibling("admin-token"));
        serverKeyFile = ServeCommand.demoTokenFile(dataDir).resolveSibling("server-key");
        ServerKey.load(serverKeyFile); // created here, once, before any worker starts
        database = Databases.open(settings.db().dbUrl, settings.db().dbUser, settings.db().dbPassword, dataDir, console, false);
        gateway = new GatewayRuntime(balancer).start(balancer, settings.host(), settings.port(), settings.adminHost(),
                settings.adminPort(), token, this);
        console.println("hexproperty: gateway on http://" + settings.host() + ":" + gateway.gateway().port() + " ("
                + balancer.balancer + "), admin on http://" + settings.adminHost() + ":" + gateway.adminPort() + "/admin/cluster");
        Files.createDirectories(settings.stateDir());
        stateWriter.scheduleWithFixedDelay(this::writeState, 0, 1, TimeUnit.SECONDS);
        // the first worker migrates and, on an empty database, seeds; the others wait for it
        awaitReady(launch(true));
        List<CompletableFuture<String>> rest = new ArrayList<>();
        for (int i = 1; i < settings.workers(); i++) {
            rest.add(addWorker().toCompletableFuture());
        }
        CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new)).get();
        writeState();
        console.println("hexproperty: cluster ready: " + settings.workers() + " worker(s) behind http://" + settings.host() + ":" + port());
        if (autoscale.enabled()) {
            autoscaler = AutoscaleWiring.start(autoscale, settings.workerPoolSize(), gateway, this, this::resize, this::workerSize, console);
        }
    }

    /** The autoscaler, or null when autoscaling is off. */
    io.hexproperty.balancer.scaling.Autoscaler autoscaler() {
        return autoscaler;
    }

    int port() {
        return gateway.gateway().port();
    }

    int adminPort() {
        return gateway.adminPort();
    }

    String token() {
        return token;
    }

    GatewayRuntime gatewayRuntime() {
        return gateway;
    }

    /** The size new workers get: the settings, or the last {@link #resize}. */
    io.hexproperty.balancer.scaling.WorkerSize workerSize() {
        io.hexproperty.balancer.scaling.WorkerSize r = resized;
        return r != null ? r : new io.hexproperty.balancer.scaling.WorkerSize(settings.workerPoolSize(), settings.workerEventLoops(), 512);
    }

    /**
     * Vertical scaling by rolling replacement: for each current worker, one new worker of the new size is
     * started and admitted first, then the old one is drained and stopped, so the cluster never has fewer
     * ready workers than before. Refused (IllegalArgumentException, with the numbers) when the surge of one
     * extra worker or the new size would break the connection budget.
     */
    CompletableFuture<Void> resize(io.hexproperty.balancer.scaling.WorkerSize next,
                                   io.hexproperty.balancer.scaling.ConnectionBudget budget) {
        // standbys are not rolled: the warm pool replaces them at the new size once the roll is done (recycle)
        List<String> old = processes.keySet().stream().filter(id -> !gateway.pool.isStandby(id)).toList();
        int standbys = processes.size() - old.size();
        int oldPool = workerSize().poolSize();
        long surge = (long) (old.size() - 1) * Math.max(oldPool, next.poolSize()) + oldPool + next.poolSize() + (long) standbys * oldPool;
        if (surge > budget.usable() || budget.withPoolPerWorker(next.poolSize()).violation(old.size()) != null) {
            throw new IllegalArgumentException("poolSize: " + old.size() + " workers resized from pool " + oldPool + " to "
                    + next.poolSize() + (standbys > 0 ? " (and " + standbys + " standby(s) of pool " + oldPool + ")" : "")
                    + " need up to " + surge + " connections during the roll; max_connections "
                    + budget.maxConnections() + " - reserve " + budget.reserve() + " = " + budget.usable());
        }
        resized = next;
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofVirtual().name("rolling-resize").start(() -> {
            try {
                for (String id : old) {
                    String added = addWorker().toCompletableFuture().get();
                    // registered is not routable: wait for the gateway's health checks to bring it up before the
                    // old worker drains, or for a moment no worker would be eligible
                    long deadline = System.nanoTime() + settings.readyTimeout().toNanos();
                    while (gateway.pool.workers().stream().noneMatch(w -> w.id().equals(added) && w.state().equals("up"))) {
                        if (closing || System.nanoTime() > deadline) {
                            throw new StartupException("resize: " + added + " did not come up in the gateway; " + id + " kept");
                        }
                        Thread.sleep(100); // polling the pool's health state: there is no event to wait on
                    }
                    console.println("hexproperty: resize: " + added + " (" + next + ") replaces " + id);
                    removeWorker(id).toCompletableFuture().get();
                }
                done.complete(null);
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** The admin host as a worker on this machine reaches it (a wildcard bind is reached on loopback). */
    private static String reachable(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.isBlank() ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
    }

    /** {@code postgresql://host:port/db}: what a worker's command line may show (ps lists it to every user). */
    private static String withoutCredentials(io.hexproperty.database.DatabaseConfig config) {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        String url = "postgresql://" + host + ":" + config.port() + "/" + config.database();
        return config.sslMode().equals("disable") ? url : url + "?sslmode=" + config.sslMode();
    }

    /** The worker processes by id (tests kill them). */
    Map<String, WorkerProcess> processes() {
        return Map.copyOf(processes);
    }

    private WorkerProcess launch(boolean seed) throws IOException {
        String id = "worker-" + nextIndex.getAndIncrement();
        WorkerProcess.Ports ports = new WorkerProcess.Ports(freePort(), freePort(), freePort());
        Path dir = settings.stateDir().resolve(id);
        io.hexproperty.balancer.scaling.WorkerSize size = workerSize();
        io.hexproperty.balancer.scaling.WorkerSize heap = resized;
        WorkerProcess p = new WorkerProcess(id, ports, dir, at -> command(at, dir, seed, size, heap), console::println,
                java.util.Map.of("HEXPROPERTY_DB_PASSWORD", database.config().password() == null ? "" : database.config().password()),
                lifecycle, settings.restartBackoff());
        processes.put(id, p);
        p.start();
        console.println("hexproperty: started " + id + " (pid " + p.pid() + ") on port " + ports.http() + ", agent port " + ports.agent());
        return p;
    }

    /** The worker's command line on these ports (a restart may move a worker to other ports). */
    private List<String> command(WorkerProcess.Ports ports, Path dir, boolean seed, io.hexproperty.balancer.scaling.WorkerSize size,
                                 io.hexproperty.balancer.scaling.WorkerSize heap) {
        List<String> serve = new ArrayList<>(List.of("--port", String.valueOf(ports.http()), "--host", "127.0.0.1",
                "--db-url", withoutCredentials(database.config()), "--data-dir", dir.resolve("pg").toString(),
                "--admin-token", token, "--listings", String.valueOf(settings.listings()), "--seed", String.valueOf(settings.seed()),
                "--event-loops", String.valueOf(size.eventLoops()), "--pool-size", String.valueOf(size.poolSize()),
                "--drain-timeout", settings.drainTimeout().toMillis() + "ms",
                "--management-port", String.valueOf(ports.management()),
                // the worker's /dashboard shows the cluster (workers, autoscaler decisions) from the gateway's admin port
                "--cluster-admin", "http://" + reachable(settings.adminHost()) + ":" + gateway.adminPort() + "/admin/cluster",
                // one server key for every worker: cursors and consistency tokens of one are valid on all (ADR 0015)
                "--server-key-file", serverKeyFile.toString(),
                // the gateway reaches its workers over loopback: they believe its X-Forwarded-For (ADR 0025)
                "--trusted-proxies", io.hexproperty.http.TrustedProxies.loopback().toString()));
        if (database.config().user() != null) {
            serve.addAll(List.of("--db-user", database.config().user()));
        }
        // the password reaches the worker in its environment (HEXPROPERTY_DB_PASSWORD), never on its command line

        if (!seed) {
            serve.add("--no-seed");
        }
        if (gateway.gateway().edge() != null) {
            // the workers' change feed purges the gateway's edge cache as it purges a CDN (the same BAN request)
            serve.addAll(List.of("--purge-url", "http://:" + token + "@" + reachable(settings.adminHost()) + ":" + gateway.adminPort() + "/admin/cluster/edge/purge"));
        }
        if (autoscale.capacityRps > 0) {
            serve.addAll(List.of("--capacity-rps", String.valueOf(autoscale.capacityRps)));
        }
        serve.addAll(settings.workerArgs());
        List<String> args = new ArrayList<>(List.of("--agent-port", String.valueOf(ports.agent()), "--watch-stdin",
                "--parent-pid", String.valueOf(ProcessHandle.current().pid()), "--"));
        args.addAll(serve);
        List<String> command = new ArrayList<>(WorkerProcess.javaCommand(args));
        if (heap != null) {
            // after HEXPROPERTY_WORKER_JAVA_OPTS, so that the new heap wins
            command.add(command.indexOf("--enable-native-access=ALL-UNNAMED"), "-Xmx" + heap.heapMb() + "m");
        }
        return command;
    }

    /**
     * The gateway follows the worker's process: the moment it exits, its address is out of rotation (another
     * process may take the port; the gateway must not send it our requests, not even in panic); once the new
     * process answers ready, the pool gets it back at its address now, which is a new one when the old port was taken.
     */
    private final WorkerProcess.Lifecycle lifecycle = new WorkerProcess.Lifecycle() {
        @Override
        public void exited(WorkerProcess worker, int exitCode) {
            gateway.pool.exited(worker.id, "process exited with " + exitCode);
        }

        @Override
        public void restarted(WorkerProcess worker, WorkerProcess.Ports before) {
            long pid = worker.pid();
            Thread.ofVirtual().name("readmit-" + worker.id).start(() -> {
                try {
                    // while this process lives: if it dies first, the supervisor's next restart waits for its successor
                    while (!closing && worker.pid() == pid && worker.alive()) {
                        if (worker.ready(http)) {
                            // false while its first start is still awaited (awaitReady adds it at its current address)
                            if (gateway.pool.restarted(worker.id, worker.origin(), worker.agentPort())) {
                                console.println("hexproperty: " + worker.id + " back on " + worker.origin()
                                        + (before.http() == worker.port() ? "" : " (port " + before.http() + " was taken)"));
                            }
                            return;
                        }
                        Thread.sleep(200); // polling a child process's readiness: there is no event to wait on
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    };

    private void awaitReady(WorkerProcess p) throws InterruptedException {
        awaitProcessReady(p);
        long pid = p.pid();
        gateway.pool.add(p.id, p.origin(), 1, p.agentPort());
        if (p.pid() != pid || !p.alive()) { // it died between answering ready and being added: its exit found no entry
            gateway.pool.exited(p.id, "process exited while it was being admitted");
        }
        console.println("hexproperty: " + p.id + " ready on " + p.origin());
    }

    private void awaitProcessReady(WorkerProcess p) throws InterruptedException {
        long deadline = System.nanoTime() + settings.readyTimeout().toNanos();
        while (!p.ready(http)) {
            if (closing) {
                throw new StartupException("cluster stopping while " + p.id + " was starting");
            }
            if (System.nanoTime() > deadline) {
                throw new StartupException(p.id + " was not ready within " + settings.readyTimeout().toSeconds()
                        + " s; see " + p.dir.resolve("worker.log"));
            }
            Thread.sleep(200); // polling a child process's readiness: there is no event to wait on
        }
    }

    /**
     * A warm-pool standby (ADR 0023): started like a scale-out worker, then warmed up ({@link Warmup}: the
     * gateway's recent GETs replayed on it directly), then registered out of rotation; it completes once the
     * gateway's own health checks pass on it, so that an admission routes to it at once. A standby that
     * fails on the way is stopped, not left running unseen.
     */
    @Override
    public CompletionStage<String> addStandby() {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofVirtual().name("add-standby").start(() -> {
            WorkerProcess p = null;
            try {
                p = launch(false);
                awaitProcessReady(p);
                Warmup.Result warmed = Warmup.run(http, p.origin(), gateway.gateway().recentRequests().distinct(Warmup.MAX_DISTINCT),
                        Warmup.BUDGET);
                gateway.pool.addStandby(p.id, p.origin(), 1, p.agentPort());
                awaitHealthy(p.id);
                console.println("hexproperty: " + p.id + " standby on " + p.origin() + " (warm-up: " + warmed + ")");
                result.complete(p.id);
            } catch (Exception e) {
                if (p != null) {
                    stopQuietly(p);
                }
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private void stopQuietly(WorkerProcess p) {
        try {
            if (gateway.pool.contains(p.id)) {
                gateway.pool.remove(p.id);
            }
            p.stop(settings.drainTimeout().plusSeconds(5));
        } finally {
            processes.remove(p.id);
        }
    }

    /** Waits for the gateway's checks to pass on a registered worker (its pool health, not its own readiness). */
    private void awaitHealthy(String id) throws InterruptedException {
        long deadline = System.nanoTime() + settings.readyTimeout().toNanos();
        while (gateway.pool.workers().stream().noneMatch(w -> w.id().equals(id) && w.health().equals("up"))) {
            if (closing || System.nanoTime() > deadline || !gateway.pool.contains(id)) {
                throw new StartupException(id + " did not pass the gateway's health checks");
            }
            Thread.sleep(100); // polling the pool's health state: there is no event to wait on
        }
    }

    @Override
    public CompletionStage<Void> admit(String id) {
        try {
            gateway.pool.admit(id);
            console.println("hexproperty: " + id + " admitted from the warm pool");
            return CompletableFuture.completedFuture(null);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Scale-in into the warm pool: drained exactly as {@link #removeWorker} drains (no new requests, in-flight
     * ones finish, bounded by the drain timeout), then registered again as a standby instead of stopped.
     */
    @Override
    public CompletionStage<Void> park(String id) {
        WorkerProcess p = processes.get(id);
        if (p == null || !gateway.pool.contains(id)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no worker '" + id + "' in rotation in this cluster"));
        }
        return gateway.pool.drain(id).toCompletableFuture().completeOnTimeout(null, settings.drainTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .thenRunAsync(() -> {
                    try {
                        gateway.pool.remove(id);
                        gateway.pool.addStandby(id, p.origin(), 1, p.agentPort());
                        awaitHealthy(id);
                    } catch (Exception e) {
                        stopQuietly(p); // a standby the warm pool does not know of would run unseen
                        if (e instanceof InterruptedException) {
                            Thread.currentThread().interrupt();
                        }
                        throw new java.util.concurrent.CompletionException(e);
                    }
                    console.println("hexproperty: " + id + " drained and back in the warm pool");
                }, task -> Thread.ofVirtual().name("park-" + id).start(task));
    }

    @Override
    public CompletionStage<String> addWorker() {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofVirtual().name("add-worker").start(() -> {
            try {
                WorkerProcess p = launch(false);
                awaitReady(p);
                result.complete(p.id);
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Override
    public CompletionStage<Void> removeWorker(String id) {
        WorkerProcess p = processes.get(id);
        if (p == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no worker '" + id + "' in this cluster"));
        }
        CompletableFuture<Void> drained = gateway.pool.contains(id)
                ? gateway.pool.drain(id).toCompletableFuture().completeOnTimeout(null, settings.drainTimeout().toMillis(), TimeUnit.MILLISECONDS)
                : CompletableFuture.completedFuture(null);
        return drained.thenRunAsync(() -> {
            p.stop(settings.drainTimeout().plusSeconds(5));
            if (gateway.pool.contains(id)) {
                gateway.pool.remove(id);
            }
            processes.remove(id);
            console.println("hexproperty: " + id + " removed");
        }, task -> Thread.ofVirtual().name("remove-" + id).start(task));
    }

    @Override
    public List<String> workerIds() {
        return List.copyOf(processes.keySet());
    }

    private void writeState() {
        if (closing) {
            return;
        }
        JsonArray workers = new JsonArray();
        processes.values().stream().sorted(java.util.Comparator.comparing(w -> w.id)).forEach(w -> workers.add(new JsonObject()
                .put("id", w.id).put("port", w.port()).put("agentPort", w.agentPort())
                .put("managementPort", w.ports().management()).put("pid", w.pid()).put("restarts", w.restarts())
                .put("standby", gateway.pool.isStandby(w.id))));
        JsonObject state = new JsonObject().put("pid", ProcessHandle.current().pid()).put("port", port())
                .put("adminPort", adminPort()).put("adminHost", settings.adminHost()).put("balancer", gateway.gateway().balancer().name())
                .put("workers", workers);
        try {
            Path file = settings.stateDir().resolve("cluster.json");
            Path tmp = settings.stateDir().resolve("cluster.json.tmp");
            Files.writeString(tmp, state.encodePrettily());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            console.println("hexproperty: could not write " + settings.stateDir().resolve("cluster.json") + ": " + e.getMessage());
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Drains: the gateway stops accepting and finishes in-flight requests, then workers stop, then PostgreSQL. */
    @Override
    public void close() {
        closing = true;
        if (autoscaler != null) {
            autoscaler.close();
        }
        stateWriter.shutdownNow();
        if (gateway != null) {
            gateway.stopAccepting();
        }
        List<Thread> stops = new ArrayList<>();
        for (WorkerProcess p : processes.values()) {
            stops.add(Thread.ofVirtual().start(() -> p.stop(settings.drainTimeout().plusSeconds(5))));
        }
        for (Thread t : stops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (gateway != null) {
            gateway.close();
        }
        if (database != null) {
            database.close();
        }
        try {
            Files.deleteIfExists(settings.stateDir().resolve("cluster.json"));
        } catch (IOException e) {
            // a stale file is detected by status through its pid
        }
    }
}
