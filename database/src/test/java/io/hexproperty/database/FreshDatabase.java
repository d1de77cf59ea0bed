package io.hexproperty.database;

import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.RunningPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** A new, migrated database on the shared test server, for tests that change schema or need clean statistics. */
public final class FreshDatabase {
    /** Register this in a test class to start (or share) the server. */
    public static final EmbeddedPostgresExtension EXTENSION = TestPostgres.EXTENSION;
    private static final AtomicInteger COUNT = new AtomicInteger();

    private FreshDatabase() {}

    public static DatabaseConfig create(String prefix) throws SQLException {
        RunningPostgres pg = EXTENSION.postgres();
        String name = prefix + "_" + ProcessHandle.current().pid() + "_" + COUNT.incrementAndGet();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        DatabaseConfig config = DatabaseConfig.of(pg.url()).withCredentials(pg.user(), pg.password());
        String base = config.url();
        String url = base.substring(0, base.lastIndexOf('/') + 1) + name;
        DatabaseConfig fresh = DatabaseConfig.of(url).withCredentials(pg.user(), pg.password());
        Migrations.apply(fresh);
        return fresh;
    }
}
