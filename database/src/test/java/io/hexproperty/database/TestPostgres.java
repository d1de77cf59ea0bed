package io.hexproperty.database;

import io.hexproperty.database.embedded.EmbeddedDatabase;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.RunningPostgres;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/** The one embedded PostgreSQL (and the one Vert.x pool on it) shared by this module's tests. */
public final class TestPostgres {
    public static final EmbeddedPostgresExtension EXTENSION = EmbeddedPostgresExtension.shared(dir -> {
        EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0);
        Migrations.apply(db.jdbcUrl(), db.user(), db.password());
        return RunningPostgres.of(db.url(), db.jdbcUrl(), db.user(), db.password(), db::close);
    });

    private static Vertx vertx;
    private static Pool pool;

    private TestPostgres() {}

    public static synchronized Pool pool() {
        if (pool == null) {
            vertx = Vertx.vertx();
            pool = PgPools.create(vertx, DatabaseConfig.of(EXTENSION.postgres().url()));
        }
        return pool;
    }

    public static synchronized Vertx vertx() {
        pool();
        return vertx;
    }
}
