package io.hexproperty.app;

import io.hexproperty.database.Migrations;
import io.hexproperty.database.maintenance.MaintenanceConfig;
import io.hexproperty.database.maintenance.MaintenanceScheduler;
import io.hexproperty.database.queries.PartitionKeeper;
import io.hexproperty.database.queries.PartitionKeeperConfig;
import io.hexproperty.database.queries.SlowQueryConfig;
import io.hexproperty.database.queries.SlowQuerySampler;
import io.hexproperty.database.PgAgentStore;
import io.hexproperty.database.PgInquiryStore;
import io.hexproperty.database.PgListingStore;
import io.hexproperty.database.PgPools;
import io.hexproperty.database.Readiness;
import io.hexproperty.database.seed.SeedProgress;
import io.hexproperty.database.seed.Seeder;
import io.hexproperty.domain.ListingService;
import io.hexproperty.domain.port.out.AgentStore;
import io.hexproperty.caching.invalidation.ChangeFeedInvalidator;
import io.hexproperty.database.PgChangeFeed;
import io.hexproperty.domain.ListingChange;
import io.hexproperty.domain.port.out.ChangeFeed;
import io.hexproperty.http.HttpApi;
import io.hexproperty.http.ResponseCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.hexproperty.metrics.MetricsRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import io.hexproperty.domain.port.in.ListingQueries;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of {@code serve}: binds HTTP first (so a port clash fails fast), opens the
 * database (embedded or external), migrates, seeds on first start, then opens the gate to the API.
 * {@link #close()} undoes it in reverse: drain HTTP, close the pool, stop PostgreSQL.
 */
final class Platform implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

    private final ServeConfig config;
    private final PrintStream console;
    private final MetricsRegistry metrics = new MetricsRegistry("hexproperty");
    private final StartupGate gate = new StartupGate();
    private final List<String> deployments = new ArrayList<>();
    private Vertx vertx;
    private Databases.Handle database;
    private Pool pool;
    private PgChangeFeed feed;
    private PartitionKeeper partitionKeeper;
    private SlowQuerySampler slowQueries;
    private MaintenanceScheduler maintenance;
    private int port;
    private volatile boolean closed;

    private final UnaryOperator<ListingQueries> reads;

    Platform(ServeConfig config, PrintStream console) {
        this(config, console, UnaryOperator.identity());
    }

    /** {@code reads} decorates what the caches load from (tests inject delays there). */
    Platform(ServeConfig config, PrintStream console, UnaryOperator<ListingQueries> reads) {
        this.config = config;
        this.console = console;
        this.reads = reads;
    }

    /** Starts everything; returns when the API is ready. */
    Platform start() throws Exception {
        long started = System.nanoTime();
        vertx = Vertx.builder()
                .with(new VertxOptions().setEventLoopPoolSize(config.eventLoops())
                        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
                                .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)))
                .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
                .build();
        bindHttp();

        gate.phase("opening the database");
        database = Databases.open(config.dbUrl(), config.dbUser(), config.dbPassword(), config.dataDir(), console, false);
        gate.phase("migrating");
        Migrations.apply(database.jdbcUrl(), database.user(), database.password());

        boolean firstStart = !Seeder.isSeeded(database.jdbcUrl(), database.user(), database.password());
        if (firstStart && config.seedOnFirstStart() && config.listings() > 0) {
            gate.phase("seeding " + config.listings() + " listings");
            console.println("hexproperty: first start: seeding " + config.listings() + " listings (seed " + config.seed() + ")");
            new Seeder(database.jdbcUrl(), database.user(), database.password())
                    .seed(config.listings(), config.seed(), console == System.out ? SeedProgress.console() : SeedProgress.console(console, false, System::nanoTime));
        }

        pool = PgPools.create(vertx, database.config().withPoolSize(config.poolSize()));
        Readiness readiness = Readiness.postgres(pool, java.time.Duration.ofSeconds(2));
        Clock clock = Clock.systemUTC();
        // --- issue 5, queries and maintenance: monthly partitions, slow-query capture, maintenance scheduler ---
        partitionKeeper = PartitionKeeper.create(database.config(), PartitionKeeperConfig.defaults(), clock, metrics.registry());
        partitionKeeper.start();
        slowQueries = SlowQuerySampler.create(database.config(), SlowQueryConfig.defaults(), clock, metrics.registry());
        maintenance = MaintenanceScheduler.create(database.config(), MaintenanceConfig.defaults(),
                new RecentP99(metrics.registry()), clock, metrics.registry());
        maintenance.start();
        // --- end issue 5 block ---
        PgListingStore listings = new PgListingStore(pool, clock, slowQueries);
        AgentStore agents = new PgAgentStore(pool);
        ListingService service = new ListingService(listings, new PgInquiryStore(pool));
        DemoAgent.ensure(agents, pool, config.demoTokenFile(), console);

        MeterRegistry registry = metrics.registry();
        ResponseCache cache = config.cache() ? ResponseCache.create(reads.apply(service), registry, ResponseCache.Settings.defaults(), clock)
                : ResponseCache.disabled(reads.apply(service), clock);
        startChangeFeed(cache, registry);
        HttpApi api = new HttpApi(service, cache, service, agents, () -> readiness.check().thenApply(Readiness.Status::ready),
                registry, metrics::scrape, clock, AdminToken.resolve(config.adminToken(), config.adminTokenFile()))
                .slowQueries(slowQueries::json);
        gate.open(api.router(vertx));
        console.printf("hexproperty: ready on http://localhost:%d/ in %.1f s (API /api/v1/listings, metrics /metrics)%n",
                port, (System.nanoTime() - started) / 1e9);
        return this;
    }

    /**
     * Every committed change reaches this node's caches through the outbox feed: listings are
     * invalidated by version, pages by the tags of the change's place. A lost feed connection flushes.
     */
    private void startChangeFeed(ResponseCache cache, MeterRegistry registry) throws Exception {
        ChangeFeedInvalidator invalidator = new ChangeFeedInvalidator(cache.listingInvalidator(), cache.pageInvalidators(), -1);
        Timer lag = Timer.builder("cache.invalidation.lag")
                .description("Commit of a listing change to its invalidation on this node")
                .publishPercentileHistogram().register(registry);
        Counter lost = Counter.builder("cache.invalidation.flushes").description("Full flushes after a lost or gapped feed")
                .register(registry);
        feed = new PgChangeFeed(vertx, pool, database.config(), java.time.Duration.ofSeconds(1));
        feed.start(-1, new ChangeFeed.Listener() {
            @Override
            public void onChange(ListingChange change) {
                invalidator.accept(change);
                lag.record(java.time.Duration.between(change.committedAt(), java.time.Instant.now()));
            }

            @Override
            public void onConnectionLost(String reason) {
                invalidator.connectionLost();
                lost.increment();
            }
        }).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    long feedSequence() {
        return feed.lastSequence();
    }

    MetricsRegistry metrics() {
        return metrics;
    }

    int port() {
        return port;
    }

    Databases.Handle database() {
        return database;
    }

    private void bindHttp() throws Exception {
        long drain = config.drainTimeout().toMillis();
        try {
            // Port 0 means "any free port"; Vert.x shares a random port between servers only when it is
            // asked for with a negative number, so every instance binds the same one.
            int requested = config.port() == 0 ? -1 : config.port();
            HttpVerticle first = new HttpVerticle(config.host(), requested, gate, drain);
            deployments.add(vertx.deployVerticle(first).await(30, TimeUnit.SECONDS));
            port = first.actualPort();
            for (int i = 1; i < config.eventLoops(); i++) {
                deployments.add(vertx.deployVerticle(new HttpVerticle(config.host(), requested, gate, drain),
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

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable background : new AutoCloseable[] {maintenance, partitionKeeper, slowQueries}) {
            if (background != null) {
                try {
                    background.close();
                } catch (Exception e) {
                    LOG.warn("database background task did not stop cleanly: {}", Errors.oneLine(e));
                }
            }
        }
        if (feed != null) {
            feed.close();
        }
        if (vertx != null) {
            for (String id : deployments.reversed()) {
                try {
                    vertx.undeploy(id).await(config.drainTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    LOG.warn("HTTP server did not stop cleanly: {}", Errors.oneLine(e));
                }
            }
            if (pool != null) {
                try {
                    pool.close().await(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("pool did not close cleanly: {}", Errors.oneLine(e));
                }
            }
            try {
                vertx.close().await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Vert.x did not close cleanly: {}", Errors.oneLine(e));
            }
        }
        if (database != null) {
            database.close();
        }
        metrics.close();
    }

    static void writeSecret(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text + System.lineSeparator());
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // Not a POSIX file system: the file keeps the default permissions.
        }
    }
}
