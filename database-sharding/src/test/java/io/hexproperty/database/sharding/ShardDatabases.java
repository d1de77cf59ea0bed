package io.hexproperty.database.sharding;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.embedded.EmbeddedDatabase;
import io.hexproperty.database.Migrations;
import io.hexproperty.database.PgPools;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.RunningPostgres;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Shards as separate databases of the module's shared test server (each with its own schema and
 * outbox sequence, which is all the router sees), created once per JVM.
 */
final class ShardDatabases {
    /** The same launcher as the module's TestPostgres: whichever test class runs first starts the server. */
    static final EmbeddedPostgresExtension EXTENSION = EmbeddedPostgresExtension.shared(dir -> {
        EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0);
        Migrations.apply(db.jdbcUrl(), db.user(), db.password());
        return RunningPostgres.of(db.url(), db.jdbcUrl(), db.user(), db.password(), db::close);
    });

    static final int SHARDS = 3;
    private static List<DatabaseConfig> configs;
    private static List<Pool> pools;
    private static Vertx vertx;

    private ShardDatabases() {}

    static synchronized List<DatabaseConfig> configs() {
        if (configs == null) {
            RunningPostgres pg = EXTENSION.postgres();
            DatabaseConfig main = DatabaseConfig.of(pg.url());
            List<DatabaseConfig> list = new ArrayList<>();
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                 Statement st = c.createStatement()) {
                for (int i = 0; i < SHARDS; i++) {
                    String name = "shard_test_" + i;
                    try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
                        if (!rs.next()) {
                            st.execute("CREATE DATABASE " + name);
                        }
                    }
                    String url = pg.url().replace("/" + main.database(), "/" + name);
                    DatabaseConfig shard = DatabaseConfig.of(url).withCredentials(pg.user(), pg.password());
                    Migrations.apply(shard);
                    list.add(shard);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create the shard databases: " + e.getMessage(), e);
            }
            configs = List.copyOf(list);
        }
        return configs;
    }

    static synchronized List<Pool> pools() {
        if (pools == null) {
            vertx = Vertx.vertx();
            pools = configs().stream().map(c -> PgPools.create(vertx, c)).toList();
        }
        return pools;
    }

    static synchronized Vertx vertx() {
        pools();
        return vertx;
    }
}
