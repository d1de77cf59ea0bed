package io.hexproperty.database;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/** Creates vertx-pg-client pools from a {@link DatabaseConfig}. */
public final class PgPools {
    /**
     * Server-side prepared statements kept per connection. Searches build one statement shape per
     * combination of filters and sort, and the hot combinations are few; 512 keeps them all without
     * letting a long tail of rare shapes grow server memory without bound.
     */
    static final int PREPARED_STATEMENT_CACHE = 512;

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
        PgConnectOptions connect = connectOptions(config);
        if (!config.statementTimeout().isZero()) {
            // Set at connect (a startup parameter), so no query ever runs without it; see DatabaseConfig.
            connect.addProperty("statement_timeout", Long.toString(config.statementTimeout().toMillis()));
        }
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
}
