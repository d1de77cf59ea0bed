package io.hexproperty.app;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.DatabaseIdentity;
import io.hexproperty.database.Migrations;
import io.hexproperty.database.ops.maintenance.MaintenanceConfig;
import io.hexproperty.database.ops.maintenance.MaintenanceScheduler;
import io.hexproperty.database.ops.partitions.PartitionKeeper;
import io.hexproperty.database.ops.partitions.PartitionKeeperConfig;
import io.hexproperty.database.ops.slowqueries.SlowQueryConfig;
import io.hexproperty.database.ops.slowqueries.SlowQuerySampler;
import io.hexproperty.database.PgAgentStore;
import io.hexproperty.database.PgInquiryStore;
import io.hexproperty.database.PgListingStore;
import io.hexproperty.database.PgPools;
import io.hexproperty.database.Readiness;
import io.hexproperty.seed.SeedProgress;
import io.hexproperty.seed.Seeder;
import io.hexproperty.domain.ListingService;
import io.hexproperty.domain.port.in.AgentAuthentication;
import io.hexproperty.caching.KeyCodec;
import io.hexproperty.caching.strategies.ViewCounts;
import io.hexproperty.caching.strategies.WriteBehind;
import io.hexproperty.caching.strategies.WriteBehindMetrics;
import io.hexproperty.caching.strategies.WriteBehindConfig;
import io.hexproperty.caching.strategies.WriteStrategy;
import io.hexproperty.database.PgListingViews;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.invalidation.CacheTag;
import io.hexproperty.caching.layers.disk.DiskTier;
import io.hexproperty.caching.layers.disk.DiskTierConfig;
import io.hexproperty.caching.layers.disk.WarmStart;
import io.hexproperty.caching.layers.disk.WarmStartConfig;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.caching.invalidation.ChangeFeedInvalidator;
import io.hexproperty.database.PgChangeFeed;
import io.hexproperty.database.sharding.ShardedChangeFeed;
import io.hexproperty.domain.ListingChange;
import io.hexproperty.domain.port.out.ChangeFeed;
import io.hexproperty.http.HttpApi;
import io.hexproperty.http.Encoded;
import io.hexproperty.http.ResponseCache;
import io.hexproperty.caching.distributed.DistributedTier;
import io.hexproperty.caching.redis.RedisDistributedTier;
import io.hexproperty.caching.redis.RedisTierConfig;
import io.hexproperty.caching.redis.ValueCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.hexproperty.metrics.MetricsRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
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
    private double emulatedCapacityRps; // 0: off; see serve --capacity-rps
    private final List<String> deployments = new ArrayList<>();
    private Vertx vertx;
    private Databases.Handle database;
    private Pool pool;
    private PgChangeFeed feed;
    private RedisDistributedTier<ListingKey, Encoded> redis;
    private WarmStart<ListingKey> warm;
    private WriteBehind<ListingKey> views;
    private ViewCounts viewCounts;
    private io.hexproperty.http.PurgeHook purge = io.hexproperty.http.PurgeHook.none();
    private ShardSet shardSet;
    private ShardedChangeFeed shardFeeds;
    private Replication replication;
    private final List<PartitionKeeper> partitionKeepers = new ArrayList<>();
    private SlowQuerySampler slowQueries;
    private SlowQueryConfig slowQueryConfig = SlowQueryConfig.defaults();
    private final List<SlowQuerySampler> samplers = new ArrayList<>(); // one per primary
    private final List<MaintenanceScheduler> maintenance = new ArrayList<>();
    private int port;
    private int managementPort;
    private volatile boolean closed;
    private StateDirectory state;

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

    /** Slow-query capture settings (default {@link SlowQueryConfig#defaults()}); call before {@link #start()}. */
    Platform slowQueries(SlowQueryConfig value) {
        this.slowQueryConfig = java.util.Objects.requireNonNull(value);
        return this;
    }

    /** Starts everything; returns when the API is ready. */
    Platform start() throws Exception {
        long started = System.nanoTime();
        metrics.start(config.management().metrics()); // before the first request: Apdex T shapes the histograms
        vertx = Vertx.builder()
                .with(new VertxOptions().setEventLoopPoolSize(config.eventLoops())
                        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
                                .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)))
                .withMetrics(metrics.vertxMetrics())
                .build();
        bindHttp();
        state = StateDirectory.lock(config.stateRoot());

        gate.phase("opening the database");
        Clock clock = Clock.systemUTC();
        Readiness readiness;
        ListingService service;
        // ---- sharding (--shards N, docs/database-sharding.md): begin ----
        if (config.shards() > 1) {
            // One sampler per shard, each the observer of its shard's store: capture covers every shard.
            shardSet = ShardSet.open(config, vertx, console, gate::phase, clock, shard -> {
                SlowQuerySampler sampler = SlowQuerySampler.create(shard, slowQueryConfig, clock, metrics.registry());
                samplers.add(sampler);
                return sampler;
            });
            slowQueries = SlowQuerySampler.merged(samplers, slowQueryConfig);
            database = new Databases.Handle(shardSet.firstConfig(), shardSet);
            pool = shardSet.firstPool();
            readiness = shardSet.readiness(java.time.Duration.ofSeconds(2));
            service = new ListingService(shardSet.listings(), shardSet.inquiries());
        } else {
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
            readiness = Readiness.postgres(pool, java.time.Duration.ofSeconds(2));
            slowQueries = SlowQuerySampler.create(database.config(), slowQueryConfig, clock, metrics.registry());
            samplers.add(slowQueries);
            // --- connections (issue 5): --replicas / --db-replica-url: listings read from replicas, written to the primary ---
            replication = Replication.start(config.replication(), database, config.poolSize(), vertx, metrics.registry(), clock, console,
                    slowQueries);
            ListingStore listings = replication == null ? new PgListingStore(pool, clock, slowQueries) : replication.listings();
            // --- end connections ---
            service = new ListingService(listings, new PgInquiryStore(pool));
        }
        // ---- sharding: end ----
        // Monthly partitions and maintenance on every primary (each shard's with --shards); replicas
        // replay the primary's, so they need neither.
        for (DatabaseConfig db : primaries()) {
            PartitionKeeper keeper = PartitionKeeper.create(db, PartitionKeeperConfig.defaults(), clock, metrics.registry());
            partitionKeepers.add(keeper);
            keeper.start();
            MaintenanceScheduler scheduler = MaintenanceScheduler.create(db, MaintenanceConfig.defaults(),
                    new RecentP99(metrics.registry()), clock, metrics.registry());
            maintenance.add(scheduler);
            scheduler.start();
        }
        PgAgentStore agents = new PgAgentStore(pool);
        DemoAgent.ensure(agents, config.demoTokenFile(), console);

        MeterRegistry registry = metrics.registry();
        // --- caching: shared L2 tier (Redis) under L1, when configured ---
        if (config.cacheOptions().redisUrl() != null && config.cache()) {
            // L2 keeps the encoded responses as they are (the same bytes as the warm-start files)
            redis = RedisDistributedTier.create(vertx, RedisTierConfig.defaults(config.cacheOptions().redisUrl()),
                    KeyCodec.ofString(ListingKey::value, ListingKey::new), ValueCodec.of(Encoded::toBytes, Encoded::fromBytes),
                    TierMetrics.of(registry, "listings", "redis"));
            console.println("hexproperty: Redis L2 cache tier at " + config.cacheOptions().redisUrl());
        }
        // --- end caching ---
        ResponseCache cache = config.cache()
                ? ResponseCache.create(reads.apply(service), registry, ResponseCache.Config.defaults(), clock,
                        redis != null ? redis : DistributedTier.none())
                : ResponseCache.disabled(reads.apply(service), clock);
        // --- caching: CDN purge ---
        purge = io.hexproperty.http.PurgeHook.varnish(vertx, registry, config.cacheOptions().purgeUrls());
        // --- end caching ---
        // --- caching: warm start (restore before the feed starts; replay the feed from the saved watermark) ---
        long resumeAfter = restoreWarmCache(cache, registry);
        startChangeFeed(cache, registry, resumeAfter);
        if (warm != null) {
            warm.start();
        }
        // --- end caching ---
        // --- caching: listing views, written behind ---
        views = startViewCounter(registry);
        viewCounts = new ViewCounts(views, 250);
        // --- end caching ---
        HttpApi.Builder http = HttpApi.builder()
                .cache(cache)
                .commands(service)
                .authentication(AgentAuthentication.by(agents))
                .readiness(() -> readiness.check().thenApply(Readiness.Status::ready))
                .metrics(registry, metrics::scrape)
                .clock(clock)
                .adminToken(AdminToken.resolve(config.adminToken(), config.adminTokenFile()))
                .onListingViewed(viewCounts::viewed)
                .benchRoutes(config.benchRoutes())
                .rum(new io.hexproperty.http.RumEndpoint(metrics.rum(), io.hexproperty.http.RumEndpoint.RumConfig.defaults()
                        .withSampleRate(config.management().rumSample()), registry, System::nanoTime)); // observability: RUM
        if (slowQueries != null) {
            http.slowQueries(slowQueries::json);
        }
        HttpApi api = http.build();
        gate.open(api.router(vertx));
        // --- observability: the management port (metrics, admin, dashboard) ---
        ManagementServer.Bound management = ManagementServer.bind(vertx, config.management(),
                api.managementRouter(vertx, new io.hexproperty.http.Dashboard(vertx, metrics::liveJson)::mount),
                config.drainTimeout().toMillis());
        deployments.add(management.deployment());
        managementPort = management.port();
        // --- end observability ---
        console.printf("hexproperty: ready on http://localhost:%d/ in %.1f s (API /api/v1/listings); "
                        + "management on http://%s:%d/ (/metrics, /dashboard)%n",
                port, (System.nanoTime() - started) / 1e9, config.management().host(), managementPort);
        return this;
    }

    /**
     * Every committed change reaches this node's caches through the outbox feed: listings are
     * invalidated by version, pages by the tags of the change's place. A lost feed connection flushes.
     */
    private void startChangeFeed(ResponseCache cache, MeterRegistry registry, long resumeAfter) throws Exception {
        ChangeFeedInvalidator invalidator = new ChangeFeedInvalidator(cache.listingInvalidator(), cache.pageInvalidators(), resumeAfter);
        Timer lag = Timer.builder("cache.invalidation.lag")
                .description("Commit of a listing change to its invalidation on this node")
                .publishPercentileHistogram().register(registry);
        Counter lost = Counter.builder("cache.invalidation.flushes").description("Full flushes after a lost or gapped feed")
                .register(registry);
        // ---- sharding: each shard has its own outbox sequence, so one feed and one invalidator per shard ----
        if (shardSet != null) {
            shardFeeds = shardSet.changeFeed(vertx, java.time.Duration.ofSeconds(1));
            shardFeeds.start(shard -> feedListener(shard == 0 ? invalidator
                    : new ChangeFeedInvalidator(cache.listingInvalidator(), cache.pageInvalidators(), -1), lag, lost))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            return;
        }
        feed = new PgChangeFeed(vertx, pool, database.config(), java.time.Duration.ofSeconds(1));
        feed.start(resumeAfter, feedListener(invalidator, lag, lost)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private ChangeFeed.Listener feedListener(ChangeFeedInvalidator invalidator, Timer lag, Counter lost) {
        return new ChangeFeed.Listener() {
            @Override
            public void onChange(ListingChange change) {
                invalidator.accept(change);
                if (redis != null) {
                    redis.invalidate(change.listingKey(), change.version());
                }
                lag.record(java.time.Duration.between(change.committedAt(), java.time.Instant.now()));
                purge.purge(surrogateKeys(change));
            }

            @Override
            public void onConnectionLost(String reason) {
                invalidator.connectionLost();
                lost.increment();
                purge.purgeAll();
            }
        };
    }

    // --- caching: warm start ---
    /**
     * Restores the listing details saved at the last stop (blocking file I/O, before the feed starts)
     * and returns the sequence to resume the change feed after: the saved watermark when the outbox
     * still holds every change since, else -1 after flushing what was restored (it may be stale).
     */
    private long restoreWarmCache(ResponseCache cache, MeterRegistry registry) throws Exception {
        if (shardSet != null) {
            // One watermark cannot describe N shard sequences: sharded nodes start cold.
            return -1;
        }
        Path snapshot = config.cacheRoot().resolve("listings");
        if (!snapshotBelongsToThisDatabase(snapshot)) {
            deleteTree(snapshot);
        }
        DiskTier<ListingKey> disk = DiskTier.open(DiskTierConfig.defaults(config.cacheRoot().resolve("listings")),
                KeyCodec.ofString(ListingKey::value, ListingKey::of), TierMetrics.of(registry, "listings", "disk"));
        warm = cache.warmStart(disk, WarmStartConfig.defaults(), () -> feed == null ? -1 : feed.lastSequence()).orElse(null);
        if (warm == null) {
            return -1;
        }
        WarmStart.Restored restored = warm.restore();
        if (restored.installed() == 0) {
            return -1;
        }
        long mark = restored.watermark().orElse(-1);
        PgChangeFeed.Range range = PgChangeFeed.range(pool).toCompletableFuture().get(30, TimeUnit.SECONDS);
        long oldest = range.oldest();
        long newest = range.newest();
        if (mark >= 0 && mark <= newest && (oldest <= mark + 1 || newest == 0)) {
            console.printf("hexproperty: warm start: %d listings restored, catching up changes after %d%n",
                    restored.installed(), mark);
            return mark;
        }
        LOG.info("warm start: outbox holds {}..{}, saved watermark {}: restored entries flushed", oldest, newest, mark);
        cache.invalidateAll();
        return -1;
    }
    // --- end caching ---

    /**
     * A warm-start snapshot is only valid against the database it was saved from: the system identifier
     * it was saved with is kept beside it ({@code listings.database}). A snapshot of another database, or of
     * one this node cannot identify, is refused without being loaded; the new identifier is recorded.
     */
    private boolean snapshotBelongsToThisDatabase(Path snapshot) throws IOException {
        Path idFile = snapshot.resolveSibling(snapshot.getFileName() + ".database");
        String current;
        try {
            current = DatabaseIdentity.systemIdentifier(pool).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            console.println("hexproperty: warm start: cannot read the database's system identifier ("
                    + Errors.oneLine(e) + "): starting cold");
            Files.deleteIfExists(idFile);
            return false;
        }
        String saved = Files.exists(idFile) ? Files.readString(idFile).strip() : null;
        boolean ours = current.equals(saved);
        if (!ours && Files.isDirectory(snapshot)) {
            console.printf("hexproperty: warm start: the snapshot in %s was saved against database %s, this is %s: not loaded%n",
                    snapshot, saved == null ? "(unknown)" : saved, current);
        }
        Files.createDirectories(snapshot.getParent());
        Files.writeString(idFile, current + System.lineSeparator());
        return ours;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    // --- caching: write-behind view counts ---
    /**
     * Listing views: each detail GET adds one to an in-memory sum per key ({@link ViewCounts}), which
     * journals the sums under var/journal/views every 250 ms (never on the request path); batches go
     * to PostgreSQL once a second. The journal id
     * is per node (kept beside the journal), so batch ids of nodes sharing a database never collide.
     */
    private WriteBehind<ListingKey> startViewCounter(MeterRegistry registry) throws IOException {
        Path dir = config.journalRoot().resolve("views");
        Files.createDirectories(dir);
        Path idFile = config.journalRoot().resolve("views.journal-id");
        if (!Files.exists(idFile)) {
            Files.writeString(idFile, "views-" + java.util.UUID.randomUUID() + System.lineSeparator());
        }
        String journalId = Files.readString(idFile).strip();
        PgListingViews store = new PgListingViews(pool);
        WriteBehindMetrics meters = new WriteBehindMetrics(registry, "views");
        WriteBehind<ListingKey> counter = meters.watch(WriteStrategy.writeBehind(WriteBehindConfig.defaults(dir, journalId),
                KeyCodec.ofString(ListingKey::value, ListingKey::of), meters.timed(batch -> store.apply(batch.id(), batch.deltas()))));
        return counter;
    }
    // --- end caching ---

    /** What a change can make stale in a shared cache: its listing and every page scope it belongs to. */
    static java.util.Set<String> surrogateKeys(ListingChange change) {
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        keys.add(CacheTag.listing(change.listingKey()));
        if (change.city() != null && change.state() != null) {
            keys.add(CacheTag.city(change.city(), change.state()));
        }
        if (change.state() != null) {
            keys.add(CacheTag.state(change.state()));
        }
        keys.add(CacheTag.h3(change.h3r7()));
        keys.add(CacheTag.anyListing());
        return keys;
    }

    /** The change feed's progress: its last sequence, or with shards the sum of the shards' last sequences. */
    long feedSequence() {
        return shardFeeds != null ? shardFeeds.deliveredTotal() : feed.lastSequence();
    }

    MetricsRegistry metrics() {
        return metrics;
    }

    int port() {
        return port;
    }

    int managementPort() {
        return managementPort;
    }

    /** Emulated capacity ({@code serve --capacity-rps}): requests above it queue; call before start. */
    void emulateCapacity(double rps) {
        this.emulatedCapacityRps = rps;
    }

    private io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> front() {
        return emulatedCapacityRps > 0
                ? new io.hexproperty.balancer.scaling.CapacityEmulator(vertx, gate, emulatedCapacityRps, java.time.Duration.ofSeconds(30), System::nanoTime)
                : gate;
    }

    Databases.Handle database() {
        return database;
    }

    /** Every primary: the one database, or each shard's. */
    List<DatabaseConfig> primaries() {
        return shardSet != null ? shardSet.configs() : List.of(database.config());
    }

    /** The slow-query capture of this node (over every shard with --shards). */
    SlowQuerySampler slowQueries() {
        return slowQueries;
    }

    /** One slow-query sampler per primary, in {@link #primaries()} order. */
    List<SlowQuerySampler> slowQuerySamplers() {
        return List.copyOf(samplers);
    }

    /** One maintenance scheduler per primary, in {@link #primaries()} order. */
    List<MaintenanceScheduler> maintenance() {
        return List.copyOf(maintenance);
    }

    /** The read/write split, or null without replicas. */
    Replication replication() {
        return replication;
    }

    private void bindHttp() throws Exception {
        long drain = config.drainTimeout().toMillis();
        try {
            // Port 0 means "any free port"; Vert.x shares a random port between servers only when it is
            // asked for with a negative number, so every instance binds the same one.
            int requested = config.port() == 0 ? -1 : config.port();
            var front = front();
            HttpVerticle first = new HttpVerticle(config.host(), requested, front, drain);
            deployments.add(vertx.deployVerticle(first).await(30, TimeUnit.SECONDS));
            port = first.actualPort();
            for (int i = 1; i < config.eventLoops(); i++) {
                deployments.add(vertx.deployVerticle(new HttpVerticle(config.host(), requested, front, drain),
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
        Closer background = new Closer();
        background.add("slow-query capture", slowQueries);
        partitionKeepers.forEach(k -> background.add("partition keeper", k));
        maintenance.forEach(m -> background.add("maintenance scheduler", m));
        background.close(); // newest first: schedulers, keepers, then the capture they all may feed
        if (warm != null) {
            try {
                warm.close();
            } catch (RuntimeException e) {
                LOG.warn("warm start: save at close failed: {}", Errors.oneLine(e));
            }
        }
        if (feed != null) {
            feed.close();
        }
        if (redis != null) {
            try {
                redis.close().await(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Redis tier did not close cleanly: {}", Errors.oneLine(e));
            }
        }
        purge.close();
        if (shardFeeds != null) {
            shardFeeds.close();
        }
        if (vertx != null) {
            for (String id : deployments.reversed()) {
                try {
                    vertx.undeploy(id).await(config.drainTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    LOG.warn("HTTP server did not stop cleanly: {}", Errors.oneLine(e));
                }
            }
            if (viewCounts != null) {
                viewCounts.close(); // the last sums into the journal, before its final flush
            }
            if (views != null) {
                views.close(); // the final flush needs the pool
            }
            if (pool != null) {
                try {
                    pool.close().await(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("pool did not close cleanly: {}", Errors.oneLine(e));
                }
            }
            if (replication != null) {
                replication.close();
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
        if (state != null) {
            state.close(); // last: the snapshot and the journal are written above
        }
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
