package io.hexproperty.app;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.Readiness;
import io.hexproperty.database.ops.maintenance.MaintenanceScheduler;
import io.hexproperty.database.ops.slowqueries.SlowQueryConfig;
import io.hexproperty.database.ops.slowqueries.SlowQuerySampler;
import io.hexproperty.domain.ListingService;
import io.hexproperty.domain.port.in.AgentAuthentication;
import io.hexproperty.domain.port.in.ListingQueries;
import io.hexproperty.http.HttpApi;
import io.hexproperty.http.ResponseCache;
import io.hexproperty.metrics.MetricsRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of {@code serve}, a table of contents: bind HTTP first (so a port clash fails
 * fast), open the {@link DataLayer} of the configured topology (migrated, seeded on first start), keep
 * every primary maintained ({@link DatabaseUpkeep}), build the {@link ListingCaches}, then open the gate
 * to the API and bind the management port. Everything is registered with a LIFO {@link Closer} as it is
 * opened, so {@link #close()} undoes it in reverse: drain HTTP, then caches (warm-start save, feed),
 * maintenance, the data layer (replicas, pools, PostgreSQL), Vert.x.
 */
final class Platform implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

    private final ServeConfig config;
    private final PrintStream console;
    private final UnaryOperator<ListingQueries> reads;
    private final MetricsRegistry metrics = new MetricsRegistry("hexproperty");
    private final StartupGate gate = new StartupGate();
    private final Closer closer = new Closer();
    private final List<String> deployments = new ArrayList<>();
    private SlowQueryConfig slowQueryConfig = SlowQueryConfig.defaults();
    private InputConfig input = InputConfig.defaults(); // issue 9: cache budget, connection guard, inquiry limits
    private double emulatedCapacityRps; // 0: off; see serve --capacity-rps
    private Vertx vertx;
    private DataLayer data;
    private DatabaseUpkeep upkeep;
    private ListingCaches caches;
    private int port;
    private int managementPort;
    private SecurityConfig security = SecurityConfig.defaults(); // issue 9 (secdata): server key, statement timeout, retention

    Platform(ServeConfig config, PrintStream console) {
        this(config, console, UnaryOperator.identity());
    }

    /** {@code reads} decorates what the caches load from (tests inject delays there). */
    Platform(ServeConfig config, PrintStream console, UnaryOperator<ListingQueries> reads) {
        this.config = config;
        this.console = console;
        this.reads = reads;
    }

    /** Slow-query capture settings (default {@link SlowQueryConfig#defaults()}); call before {@link #start()}. */
    Platform slowQueries(SlowQueryConfig value) {
        this.slowQueryConfig = Objects.requireNonNull(value);
        return this;
    }

    /** Server key, statement timeout and retention (default {@link SecurityConfig#defaults()}); call before {@link #start()}. */
    Platform security(SecurityConfig value) {
        this.security = Objects.requireNonNull(value);
        return this;
    }

    /** Input protection settings (default {@link InputConfig#defaults()}); call before {@link #start()}. */
    Platform input(InputConfig value) {
        this.input = Objects.requireNonNull(value);
        return this;
    }

    /** Emulated capacity ({@code serve --capacity-rps}): requests above it queue; call before start. */
    void emulateCapacity(double rps) {
        this.emulatedCapacityRps = rps;
    }

    /** Starts everything; returns when the API is ready. */
    Platform start() throws Exception {
        long started = System.nanoTime();
        closer.add("metrics", metrics);
        metrics.start(config.management().metrics()); // before the first request: Apdex T shapes the histograms
        vertx = vertx();
        closer.add("Vert.x", () -> vertx.close().await(10, TimeUnit.SECONDS));
        bindHttp();
        closer.add("state directory", StateDirectory.lock(config.stateRoot()));

        gate.phase("opening the database");
        Clock clock = Clock.systemUTC();
        MeterRegistry registry = metrics.registry();
        // one key per deployment signs cursors and consistency tokens (ADR 0015)
        io.hexproperty.domain.Signer serverKey = ServerKey.load(serverKeyFile());
        data = closer.add("data layer", DataLayer.open(config,
                new DataLayer.Environment(vertx, clock, registry, slowQueryConfig, console, gate::phase,
                        security.statementTimeout())));
        upkeep = closer.add("database upkeep", DatabaseUpkeep.start(data.primaries(), clock, registry));
        ListingService service = new ListingService(data.listings(), data.inquiries(),
                new io.hexproperty.domain.TokenSealer(serverKey, clock));
        DemoAgent.ensure(data.agents(), config.demoTokenFile(), console);

        caches = ListingCaches.start(config, ResponseCache.Config.defaults().withPageBytes(input.searchCacheBytes()), data,
                reads.apply(service), vertx, registry, clock, console, closer, serverKey);
        IdempotencyWiring idempotency = closer.add("idempotency keys", IdempotencyWiring.start(vertx, data.primaryPools().getFirst(), clock));
        // the outbox and applied view-batch ids of each primary, pruned never past what its feed still needs
        List<io.vertx.sqlclient.Pool> primaryPools = data.primaryPools();
        for (int i = 0; i < primaryPools.size(); i++) {
            int primary = i;
            closer.add("retention", new io.hexproperty.database.PgRetention(primaryPools.get(i), security.retention(), clock,
                    () -> caches.lastSequence(primary)).start(vertx));
        }
        Readiness readiness = data.readiness();
        SlowQuerySampler slowQueries = data.slowQueries();
        // Manual invalidation for every node, Redis and the CDN; health as "can serve" / "can write" (ADR 0016).
        ClusterInvalidation invalidation = closer.add("cluster invalidation", ClusterInvalidation.start(vertx,
                data.primaryPools().getFirst(), caches.cache(), caches.redis(), caches.purge(),
                !config.caches().purgeUrls().isEmpty()));
        DatabaseWatch watch = closer.add("database watch",
                DatabaseWatch.start(vertx, readiness, caches.cache(), caches::views, Duration.ofSeconds(1)));
        HttpApi api = HttpApi.builder()
                .idempotency(idempotency.keys())
                .inquiryLimits(InquiryLimitWiring.start(config, input.inquiries(), vertx, registry, closer, console))
                .trustedProxies(input.trustedProxies())
                .cache(caches.cache())
                .commands(service)
                .authentication(AgentAuthentication.by(data.agents()))
                .health(watch::health)
                .writeGate(io.hexproperty.http.WriteGate.of(watch::writable, watch::detail))
                .invalidation(invalidation)
                .metrics(registry, metrics::scrape)
                .clock(clock)
                .adminToken(AdminToken.resolve(config.adminToken(), config.adminTokenFile()))
                .onListingViewed(caches::viewed)
                .benchRoutes(config.benchRoutes())
                .rum(new io.hexproperty.http.RumEndpoint(metrics.rum(), io.hexproperty.http.RumEndpoint.RumConfig.defaults()
                        .withSampleRate(config.management().rumSample()), registry, System::nanoTime))
                .slowQueries(slowQueries::json)
                .build();
        gate.open(api.router(vertx));
        java.util.function.Supplier<String> point = metrics::liveJson;
        if (config.management().clusterAdmin() != null) {
            ClusterPanel panel = closer.add("cluster panel", ClusterPanel.start(vertx, config.management().clusterAdmin(),
                    AdminToken.resolve(config.adminToken(), config.adminTokenFile())));
            point = () -> panel.merge(metrics.liveJson());
        }
        ManagementServer.Bound management = ManagementServer.bind(vertx, config.management(),
                api.managementRouter(vertx, new io.hexproperty.http.Dashboard(vertx, point)::mount),
                config.drainTimeout().toMillis());
        deployments.add(management.deployment());
        managementPort = management.port();
        // Registered last so it runs first: in-flight requests finish while the caches and the pools are open.
        closer.add("HTTP servers", this::undeployHttp);
        console.printf("hexproperty: ready on http://localhost:%d/ in %.1f s (API /api/v1/listings); "
                        + "management on http://%s:%d/ (/metrics, /dashboard)%n",
                port, (System.nanoTime() - started) / 1e9, config.management().host(), managementPort);
        return this;
    }

    private Vertx vertx() {
        return Vertx.builder()
                .with(new VertxOptions().setEventLoopPoolSize(config.eventLoops())
                        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
                                .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)))
                .withMetrics(metrics.vertxMetrics())
                .build();
    }

    /** The change feed's progress: its last sequence, or with shards the sum of the shards' last sequences. */
    long feedSequence() {
        return caches.feedSequence();
    }

    MetricsRegistry metrics() {
        return metrics;
    }

    /** The file of the server key this node signs cursors and consistency tokens with. */
    Path serverKeyFile() {
        return security.serverKeyFile(config);
    }

    int port() {
        return port;
    }

    int managementPort() {
        return managementPort;
    }

    Databases.Handle database() {
        return data.database();
    }

    /** Every primary: the one database, or each shard's. */
    List<DatabaseConfig> primaries() {
        return data.primaries();
    }

    /** The slow-query capture of this node (over every shard with --shards). */
    SlowQuerySampler slowQueries() {
        return data.slowQueries();
    }

    /** One slow-query sampler per primary, in {@link #primaries()} order. */
    List<SlowQuerySampler> slowQuerySamplers() {
        return data.slowQuerySamplers();
    }

    /** One maintenance scheduler per primary, in {@link #primaries()} order. */
    List<MaintenanceScheduler> maintenance() {
        return upkeep.maintenance();
    }

    /** The read/write split, or null without replicas. */
    Replication replication() {
        return data.replication().orElse(null);
    }

    private io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> front() {
        return emulatedCapacityRps > 0
                ? new io.hexproperty.balancer.scaling.CapacityEmulator(vertx, gate, emulatedCapacityRps, Duration.ofSeconds(30), System::nanoTime)
                : gate;
    }

    private void bindHttp() throws Exception {
        long drain = config.drainTimeout().toMillis();
        try {
            // Port 0 means "any free port"; Vert.x shares a random port between servers only when it is
            // asked for with a negative number, so every instance binds the same one.
            int requested = config.port() == 0 ? -1 : config.port();
            var front = front();
            var guard = new io.hexproperty.http.ConnectionGuard(vertx, input.connections(), metrics.registry());
            HttpVerticle first = new HttpVerticle(config.host(), requested, front, drain, guard);
            deployments.add(vertx.deployVerticle(first).await(30, TimeUnit.SECONDS));
            port = first.actualPort();
            for (int i = 1; i < config.eventLoops(); i++) {
                deployments.add(vertx.deployVerticle(new HttpVerticle(config.host(), requested, front, drain, guard),
                        new DeploymentOptions()).await(30, TimeUnit.SECONDS));
            }
        } catch (Exception e) {
            String message = Errors.oneLine(e);
            if (message.toLowerCase().contains("address already in use")) {
                throw new StartupException("port " + config.port() + " is already in use; stop the other process or choose another with --port");
            }
            throw new StartupException("cannot listen on " + config.host() + ":" + config.port() + ": " + message);
        }
    }

    /** Drains and stops the HTTP servers, newest first (before a start completes, closing Vert.x stops them). */
    private void undeployHttp() {
        for (String id : deployments.reversed()) {
            try {
                vertx.undeploy(id).await(config.drainTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.warn("HTTP server did not stop cleanly: {}", Errors.oneLine(e));
            }
        }
    }

    /** Closes what {@link #start()} opened, newest first; safe to call again, and after a failed start. */
    @Override
    public synchronized void close() {
        try {
            closer.close();
        } catch (Closer.CloseException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    /** Writes a secret into a file that is 0600 from its creation (never chmod-ed afterwards). */
    static void writeSecret(Path file, String text) throws IOException {
        io.hexproperty.database.embedded.SecretFile.write(file, text);
    }
}
