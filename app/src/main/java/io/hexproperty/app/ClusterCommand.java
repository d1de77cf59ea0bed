package io.hexproperty.app;

import io.hexproperty.balancer.gateway.HaproxyExport;
import io.vertx.core.json.JsonArray;
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
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hexproperty cluster}: gateway + N worker JVMs + one embedded PostgreSQL; {@code status}; {@code export haproxy}. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Runs a local cluster: one embedded PostgreSQL, --workers worker JVMs sharing it, and the "
                + "load-balancing gateway on --port. Ctrl-C drains and stops everything.",
        subcommands = {ClusterCommand.Status.class, ClusterCommand.Export.class})
final class ClusterCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @Mixin
    BalancerOptions balancer = new BalancerOptions();

    @Mixin
    AutoscaleOptions autoscale = new AutoscaleOptions();

    @Option(names = "--workers", defaultValue = "3", description = "Worker processes at the start (default: ${DEFAULT-VALUE}; "
            + "with --min/--max, kept within them).")
    int workers;

    @Option(names = "--port", defaultValue = "${env:HEXPROPERTY_PORT:-8080}", description = "Gateway port (default: ${DEFAULT-VALUE}).")
    int port;

    @Mixin
    GatewayAdminOptions admin = new GatewayAdminOptions();

    @Option(names = "--state-dir", defaultValue = "var/cluster",
            description = "Worker state directories and cluster.json (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--listings", defaultValue = "100000", description = "Listings seeded into an empty database (default: ${DEFAULT-VALUE}).")
    int listings;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed of the generated data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--drain-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long a stop waits for in-flight requests (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--worker-event-loops", defaultValue = "2", description = "Event loops per worker (default: ${DEFAULT-VALUE}).")
    int workerEventLoops;

    @Option(names = "--worker-pool-size", defaultValue = "8", description = "PostgreSQL connections per worker (default: ${DEFAULT-VALUE}).")
    int workerPoolSize;

    @Option(names = "--worker-listing-cache-entries", defaultValue = "100000",
            description = "Listing details each worker's L1 holds (serve --listing-cache-entries; default: ${DEFAULT-VALUE}).")
    long workerListingCacheEntries;

    @Option(names = "--worker-search-cache-mb", defaultValue = "64",
            description = "Each worker's search-page L1 budget in MiB (serve --search-cache-mb; default: ${DEFAULT-VALUE}).")
    long workerSearchCacheMb;

    ClusterRuntime.Config settings() {
        int initial = workers;
        if (autoscale.enabled()) {
            int lo = autoscale.min == null ? 1 : autoscale.min;
            initial = Math.max(lo, autoscale.max == null ? initial : Math.min(autoscale.max, initial));
        }
        return new ClusterRuntime.Config(initial, admin.host, port, admin.adminHost, admin.adminPort(port),
                stateDir, db, listings, seed, drainTimeout, admin.adminToken, workerEventLoops, workerPoolSize, Duration.ofMinutes(10),
                List.of("--listing-cache-entries", String.valueOf(workerListingCacheEntries),
                        "--search-cache-mb", String.valueOf(workerSearchCacheMb)),
                ClusterRuntime.Config.FIRST_RESTART_BACKOFF);
    }

    @Override
    public Integer call() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        ClusterRuntime[] cluster = new ClusterRuntime[1];
        Thread hook = new Thread(() -> {
            System.out.println("hexproperty: cluster stopping (draining the gateway, stopping workers and PostgreSQL)...");
            if (cluster[0] != null) {
                cluster[0].close();
            }
            System.out.println("hexproperty: cluster stopped");
            stopped.countDown();
        }, "hexproperty-cluster-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            cluster[0] = ClusterRuntime.start(settings(), balancer, autoscale, System.out);
        } catch (Exception e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            System.err.println("hexproperty: " + Errors.oneLine(e));
            return 1;
        }
        stopped.await();
        return 0;
    }

    /** Reads {@code <state-dir>/cluster.json}, failing with a clear message when no cluster runs. */
    static JsonObject state(Path stateDir) {
        Path file = stateDir.resolve("cluster.json");
        if (!Files.isRegularFile(file)) {
            throw new StartupException("no running cluster: " + file + " does not exist (start one with ./hexproperty cluster)");
        }
        try {
            JsonObject state = new JsonObject(Files.readString(file));
            long pid = state.getLong("pid", -1L);
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                throw new StartupException("no running cluster: " + file + " names pid " + pid + ", which is gone");
            }
            return state;
        } catch (IOException | io.vertx.core.json.DecodeException e) {
            throw new StartupException("cannot read " + file + ": " + e.getMessage());
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows every worker of the running cluster: state, weight, in-flight, latency EWMA, health history, ejections.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--state-dir", defaultValue = "var/cluster", description = "Where cluster.json is (default: ${DEFAULT-VALUE}).")
        Path stateDir;

        @Option(names = "--admin-url", description = "Admin base URL (default: from cluster.json).")
        URI adminUrl;

        @Option(names = "--admin-token", defaultValue = "${env:HEXPROPERTY_ADMIN_TOKEN}",
                description = "Admin token (default: var/admin-token). Env: HEXPROPERTY_ADMIN_TOKEN.")
        String adminToken;

        @Option(names = "--json", description = "Print the raw JSON of GET /admin/cluster.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            URI base = adminUrl;
            if (base == null) {
                JsonObject state = state(stateDir);
                base = URI.create("http://" + state.getString("adminHost", "127.0.0.1") + ":" + state.getInteger("adminPort"));
            }
            String token = adminToken != null && !adminToken.isBlank() ? adminToken.strip() : readToken();
            HttpResponse<String> resp;
            try {
                resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/admin/cluster"))
                        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new StartupException("cannot reach the cluster admin at " + base + ": " + Errors.oneLine(e));
            }
            if (resp.statusCode() != 200) {
                throw new StartupException("GET " + base + "/admin/cluster answered " + resp.statusCode() + ": " + resp.body());
            }
            JsonObject body = new JsonObject(resp.body());
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(body.encodePrettily());
                out.flush();
                return 0;
            }
            out.println(table(body));
            out.flush();
            return 0;
        }

        private static String readToken() throws IOException {
            Path file = Path.of("var", "admin-token");
            if (!Files.isRegularFile(file)) {
                throw new StartupException("no admin token: pass --admin-token or run from the directory holding var/admin-token");
            }
            return Files.readString(file).strip();
        }
    }

    /** The human view of {@code GET /admin/cluster}. */
    static String table(JsonObject body) {
        StringBuilder b = new StringBuilder();
        JsonObject g = body.getJsonObject("gateway", new JsonObject());
        b.append(String.format(Locale.ROOT, "balancer %s   requests %d   retries %d   failed %d%n", body.getString("balancer"),
                g.getLong("requests", 0L), g.getLong("retries", 0L), g.getLong("failed", 0L)));
        b.append(String.format(Locale.ROOT, "%-10s %-9s %6s %9s %8s %9s %9s %8s %9s  %s%n", "WORKER", "STATE", "WEIGHT",
                "IN-FLIGHT", "EWMA-MS", "REQUESTS", "FAILURES", "EJECTED", "CPU", "HEALTH (oldest..newest)"));
        for (Object o : body.getJsonArray("workers", new JsonArray())) {
            JsonObject w = (JsonObject) o;
            StringBuilder history = new StringBuilder();
            String lastFailure = null;
            for (Object p : w.getJsonArray("healthHistory", new JsonArray())) {
                JsonObject probe = (JsonObject) p;
                history.append(probe.getBoolean("passed") ? '+' : '-');
                if (!probe.getBoolean("passed")) {
                    lastFailure = probe.getString("detail");
                }
            }
            b.append(String.format(Locale.ROOT, "%-10s %-9s %6.2f %9d %8.2f %9d %9d %8d %9.2f  %s%s%n", w.getString("id"),
                    w.getString("state"), w.getDouble("effectiveWeight"), w.getInteger("inFlight"), w.getDouble("latencyEwmaMillis"),
                    w.getLong("requests"), w.getLong("failures"), w.getInteger("ejections"),
                    w.getJsonObject("resources").getDouble("cpu"), history, lastFailure == null ? "" : "  last failure: " + lastFailure));
        }
        return b.toString().stripTrailing();
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Writes an equivalent configuration for another engine: `cluster export haproxy`.")
    static final class Export implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ENGINE", description = "haproxy")
        String engine;

        @Mixin
        BalancerOptions balancer = new BalancerOptions();

        @Option(names = "--state-dir", defaultValue = "var/cluster", description = "Where cluster.json is (default: ${DEFAULT-VALUE}).")
        Path stateDir;

        @Option(names = "--origin", paramLabel = "URL", description = "Servers to use instead of the running cluster's workers; repeatable.")
        List<URI> origins = new ArrayList<>();

        @Option(names = "--agent-port", paramLabel = "PORT", description = "Agent port per --origin, in order (resource balancer).")
        List<Integer> agentPorts = new ArrayList<>();

        @Option(names = "--front-port", defaultValue = "8080", description = "HAProxy's listening port (default: ${DEFAULT-VALUE}).")
        int frontPort;

        @Option(names = {"-o", "--output"}, description = "File to write (default: standard output).")
        Path output;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!engine.equalsIgnoreCase("haproxy")) {
                throw new StartupException("ENGINE: only 'haproxy' can be exported, got '" + engine + "'");
            }
            balancer.validate();
            List<HaproxyExport.Server> servers = new ArrayList<>();
            String algorithm = balancer.balancer;
            if (!origins.isEmpty()) {
                if (!agentPorts.isEmpty() && agentPorts.size() != origins.size()) {
                    throw new StartupException("--agent-port: give one per --origin (" + origins.size() + "), got " + agentPorts.size());
                }
                for (int i = 0; i < origins.size(); i++) {
                    servers.add(new HaproxyExport.Server("origin-" + (i + 1), origins.get(i), 100, agentPorts.isEmpty() ? 0 : agentPorts.get(i)));
                }
            } else {
                JsonObject state = state(stateDir);
                if (!spec.commandLine().getParseResult().hasMatchedOption("--balancer")) {
                    algorithm = state.getString("balancer", algorithm);
                }
                for (Object o : state.getJsonArray("workers")) {
                    JsonObject w = (JsonObject) o;
                    if (w.getBoolean("standby", false)) {
                        continue; // out of rotation (warm pool); HAProxy's "backup" would route to it when others fail
                    }
                    servers.add(new HaproxyExport.Server(w.getString("id"), URI.create("http://127.0.0.1:" + w.getInteger("port")),
                            100, w.getInteger("agentPort", 0)));
                }
            }
            balancer.balancer = algorithm;
            String config = HaproxyExport.render(servers, balancer.haproxy(frontPort));
            if (output == null) {
                spec.commandLine().getOut().print(config);
                spec.commandLine().getOut().flush();
            } else {
                Files.writeString(output, config);
                spec.commandLine().getErr().println("hexproperty: wrote " + output + " (" + servers.size() + " servers, " + algorithm + ")");
            }
            return 0;
        }
    }
}
