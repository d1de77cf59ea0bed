package io.hexproperty.database;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import java.util.concurrent.TimeUnit;

/** Creates vertx-pg-client pools from a {@link DatabaseConfig}. */
public final class PgPools {
    /**
     * Server-side prepared statements kept per connection. Searches build one statement shape per
     * combination of filters and sort, and the hot combinations are few; 512 keeps them all without
     * letting a long tail of rare shapes grow server memory without bound.
     */
    static final int PREPARED_STATEMENT_CACHE = 512;

    /**
     * Queries a read connection carries at once ({@link #readClient}): enough that a loop's reads
     * rarely need a second connection, few enough that a burst does not queue hundreds of reads behind
     * one slow search. Measured side by side (docs/benchmarks/uncached-path.md): 32 used the least JVM
     * CPU per read; 4 used about four times as much as 32, more than the unpipelined pool.
     */
    static final int READ_PIPELINE_DEPTH = 32;

    private PgPools() {}

    /** How to reach the server of {@code config}, for pools and for dedicated connections (LISTEN). */
    public static PgConnectOptions connectOptions(DatabaseConfig config) {
        return new PgConnectOptions()
                .setHost(config.host())
                .setPort(config.port())
                .setDatabase(config.database())
                .setUser(config.user())
                .setPassword(config.password())
                .setCachePreparedStatements(true)
                .setPreparedStatementCacheMaxSize(PREPARED_STATEMENT_CACHE)
                .setSslMode(SslMode.of(config.sslMode()))
                .addProperty("application_name", "hexproperty")
                // Cached statements would otherwise switch to a generic plan after five runs, and a
                // generic plan cannot see how selective a city or price range is: on 500k listings
                // a city-only search of a big city took 796 ms generic vs 23 ms custom. Planning
                // these statements costs about 0.1 ms.
                .addProperty("plan_cache_mode", "force_custom_plan");
    }

    /**
     * A pool of {@code config.poolSize()} connections spread over the Vert.x event loops, with
     * prepared statements cached per connection and planned for their actual values. Connections open lazily: creating the pool does not
     * touch the database (use {@link Readiness} to check it).
     */
    public static Pool create(Vertx vertx, DatabaseConfig config) {
        PgConnectOptions connect = withStatementTimeout(connectOptions(config), config);
        PoolOptions pool = new PoolOptions()
                .setName("hexproperty-pg")
                .setMaxSize(config.poolSize())
                .setMaxWaitQueueSize(config.maxWaitQueue())
                .setConnectionTimeout((int) config.acquireTimeout().toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                // Spread connections over event loops so a verticle's queries complete on its own loop.
                .setEventLoopSize(Math.min(config.poolSize(), 2 * Runtime.getRuntime().availableProcessors()));
        NetClientOptions net = new NetClientOptions().setConnectTimeout((int) config.connectTimeout().toMillis());
        return PgBuilder.pool().with(pool).with(net).connectingTo(connect).using(vertx).build();
    }

    /**
     * The connections of a node's {@code poolSize} that go to the read clients ({@link #readClient}
     * and {@link #pointReadClient}, a quarter each): one pipelined connection per event loop carries
     * a loop's reads. 0 below 4 (too few to split): then the pool serves reads too.
     */
    public static int readShare(int poolSize) {
        return poolSize >= 4 ? poolSize / 2 : 0;
    }

    public static SqlClient readClient(Vertx vertx, DatabaseConfig config) {
        return pipelined(vertx, config, connectOptions(config), "hexproperty-pg-reads");
    }

    /**
     * {@link #readClient} for statements whose generic plan is as good as any custom one, the
     * listing-by-key read: its sessions keep PostgreSQL's default {@code plan_cache_mode} (auto), so
     * the cached statement is planned once per connection instead of at every execution. Measured
     * with pgbench on 100k listings: a bound key under force_custom_plan cost PostgreSQL ~480 us of
     * CPU per read, ~100 us with auto (docs/benchmarks/uncached-path.md). listing_key is not the
     * partition key, so a custom plan cannot prune partitions either: both plans probe each
     * partition's primary key.
     */
    public static SqlClient pointReadClient(Vertx vertx, DatabaseConfig config) {
        return pipelined(vertx, config, connectOptions(config).addProperty("plan_cache_mode", "auto"), "hexproperty-pg-point-reads");
    }

    /** Set at connect (a startup parameter), so no query ever runs without it; see DatabaseConfig. */
    private static PgConnectOptions withStatementTimeout(PgConnectOptions connect, DatabaseConfig config) {
        if (!config.statementTimeout().isZero()) {
            connect.addProperty("statement_timeout", Long.toString(config.statementTimeout().toMillis()));
        }
        return connect;
    }

    private static SqlClient pipelined(Vertx vertx, DatabaseConfig config, PgConnectOptions options, String name) {
        PgConnectOptions connect = withStatementTimeout(options, config).setPipeliningLimit(READ_PIPELINE_DEPTH);
        PoolOptions pool = new PoolOptions()
                .setName(name)
                .setMaxSize(config.poolSize())
                .setMaxWaitQueueSize(config.maxWaitQueue())
                .setConnectionTimeout((int) config.acquireTimeout().toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        // eventLoopSize stays 0: a connection lives on the loop of the query that opened it.
        NetClientOptions net = new NetClientOptions().setConnectTimeout((int) config.connectTimeout().toMillis());
        return PgBuilder.client().with(pool).with(net).connectingTo(connect).using(vertx).build();
    }
}
