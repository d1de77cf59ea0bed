package io.hexproperty.app;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.Migrations;
import io.hexproperty.database.PgAgentStore;
import io.hexproperty.database.PgInquiryStore;
import io.hexproperty.database.PgListingStore;
import io.hexproperty.database.PgListingViews;
import io.hexproperty.database.PgPools;
import io.hexproperty.database.Readiness;
import io.hexproperty.database.ops.slowqueries.SlowQuerySampler;
import io.hexproperty.database.sharding.ShardedChangeFeed;
import io.hexproperty.domain.port.out.InquiryStore;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.seed.SeedProgress;
import io.hexproperty.seed.Seeder;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One database: the embedded one under the data directory or {@code --db-url}, migrated, seeded on
 * first start, with serve's pool and the slow-query sampler that observes its listing store. Also the
 * primary under {@link ReplicatedDataLayer}.
 */
final class SingleDataLayer implements DataLayer {
    private final Closer closer;
    private final Vertx vertx;
    private final Databases.Handle database;
    private final Pool pool;
    private final SlowQuerySampler slowQueries;
    private final ListingStore listings;
    private final PgInquiryStore inquiries;
    private final PgAgentStore agents;
    private final PgListingViews views;
    private final Readiness readiness;

    private SingleDataLayer(Closer closer, Vertx vertx, Databases.Handle database, Pool pool, SlowQuerySampler slowQueries,
                            ListingStore listings) {
        this.closer = closer;
        this.vertx = vertx;
        this.database = database;
        this.pool = pool;
        this.slowQueries = slowQueries;
        this.listings = listings;
        this.inquiries = new PgInquiryStore(pool);
        this.agents = new PgAgentStore(pool);
        this.views = new PgListingViews(pool);
        this.readiness = Readiness.postgres(pool, Duration.ofSeconds(2));
    }

    static SingleDataLayer open(ServeConfig config, DataLayer.Environment env) {
        Closer closer = new Closer();
        try {
            Databases.Handle database = closer.add("database", Databases.open(config.dbUrl(), config.dbUser(),
                    config.dbPassword(), config.dataDir(), env.console(), false));
            env.phase().accept("migrating");
            Migrations.apply(database.jdbcUrl(), database.user(), database.password());
            boolean firstStart = !Seeder.isSeeded(database.jdbcUrl(), database.user(), database.password());
            if (firstStart && config.seedOnFirstStart() && config.listings() > 0) {
                env.phase().accept("seeding " + config.listings() + " listings");
                env.console().println("hexproperty: first start: seeding " + config.listings() + " listings (seed "
                        + config.seed() + ")");
                new Seeder(database.jdbcUrl(), database.user(), database.password()).seed(config.listings(), config.seed(),
                        env.console() == System.out ? SeedProgress.console()
                                : SeedProgress.console(env.console(), false, System::nanoTime));
            }
            // Without replicas, --pool-size is split: the pipelined read clients of the uncached path take
            // half (ADR 0017), the transactional pool the rest, so the node's connection budget stays --pool-size.
            int readConnections = config.replication().enabled() ? 0 : PgPools.readShare(config.poolSize());
            Pool pool = PgPools.create(env.vertx(), database.config().withPoolSize(config.poolSize() - readConnections)
                    .withStatementTimeout(env.statementTimeout())); // serve --statement-timeout (ADR 0015)
            closer.add("database pool", () -> pool.close().await(5, TimeUnit.SECONDS));
            SlowQuerySampler sampler = closer.add("slow-query capture",
                    SlowQuerySampler.create(database.config(), env.slowQueries(), env.clock(), env.registry()));
            PgListingStore listings = new PgListingStore(pool, env.clock(), sampler);
            if (readConnections > 0) {
                SqlClient pointReads = PgPools.pointReadClient(env.vertx(),
                        database.config().withPoolSize(readConnections / 2).withStatementTimeout(env.statementTimeout()));
                closer.add("point-read client", () -> pointReads.close().await(5, TimeUnit.SECONDS));
                SqlClient searches = PgPools.readClient(env.vertx(),
                        database.config().withPoolSize(readConnections - readConnections / 2).withStatementTimeout(env.statementTimeout()));
                closer.add("search client", () -> searches.close().await(5, TimeUnit.SECONDS));
                listings = listings.readingThrough(pointReads, searches);
            }
            return new SingleDataLayer(closer, env.vertx(), database, pool, sampler, listings);
        } catch (RuntimeException e) {
            closeAfterFailure(closer, e);
            throw e;
        }
    }

    /** Closes what a failed open had started; its own failure is attached to the one that stopped the open. */
    static void closeAfterFailure(AutoCloseable opened, RuntimeException cause) {
        try {
            opened.close();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }

    /** Registers what a topology built on this primary opens after it (replicas), to close before it. */
    <T extends AutoCloseable> T add(String name, T resource) {
        return closer.add(name, resource);
    }

    @Override
    public ListingStore listings() {
        return listings;
    }

    @Override
    public InquiryStore inquiries() {
        return inquiries;
    }

    @Override
    public PgAgentStore agents() {
        return agents;
    }

    @Override
    public PgListingViews views() {
        return views;
    }

    @Override
    public Readiness readiness() {
        return readiness;
    }

    @Override
    public List<DatabaseConfig> primaries() {
        return List.of(database.config());
    }

    @Override
    public List<Pool> primaryPools() {
        return List.of(pool);
    }

    @Override
    public List<SlowQuerySampler> slowQuerySamplers() {
        return List.of(slowQueries);
    }

    @Override
    public SlowQuerySampler slowQueries() {
        return slowQueries;
    }

    @Override
    public Databases.Handle database() {
        return database;
    }

    @Override
    public ShardedChangeFeed changeFeed(Duration pollInterval) {
        return ShardedChangeFeed.postgres(vertx, List.of(pool), List.of(database.config()), pollInterval);
    }

    @Override
    public void close() {
        closer.close();
    }
}
