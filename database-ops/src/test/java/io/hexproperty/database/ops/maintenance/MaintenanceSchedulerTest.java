package io.hexproperty.database.ops.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.FreshDatabase;
import io.hexproperty.database.ops.maintenance.MaintenanceAction.Kind;
import io.hexproperty.database.ops.maintenance.MaintenanceOutcome.Status;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The scheduler on a real PostgreSQL: dead rows lead to a VACUUM that runs, a bloated index to a REINDEX. */
@Postgres
class MaintenanceSchedulerTest {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = FreshDatabase.EXTENSION;

    @Test
    void vacuumsDeadRowsUnlessLatencyIsHighThenRebuildsTheBloatedIndex() throws SQLException {
        DatabaseConfig db = FreshDatabase.create("maint");
        sql(db, "CREATE TABLE churn (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false)",
                "INSERT INTO churn SELECT i, md5(i::text) FROM generate_series(1, 100000) i",
                "DELETE FROM churn WHERE id % 5 <> 0");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> longValue(db, "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'churn'"
                        + " AND n_live_tup = 20000") >= 80_000);

        AtomicReference<Double> p99 = new AtomicReference<>(900.0);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MaintenanceConfig config = new MaintenanceConfig(new MaintenanceThresholds(0.1, 1_000, 0.1, 1_000, 0.3, 64 * 1024),
                Duration.ofMinutes(1), Duration.ofMillis(250));
        MaintenanceScheduler scheduler = MaintenanceScheduler.create(db, config, p99::get, Clock.systemUTC(), registry);

        assertThat(scheduler.plan()).first().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(Kind.VACUUM_ANALYZE);
            assertThat(a.target()).isEqualTo("churn");
            assertThat(a.reason()).startsWith("80% dead rows (80000 of 100000)");
        });

        MaintenanceOutcome postponed = scheduler.runOnce();
        assertThat(postponed.status()).isEqualTo(Status.POSTPONED);
        assertThat(postponed.detail()).isEqualTo("p99 900.0 ms above the SLO of 250 ms");
        assertThat(registry.get("db.maintenance.postponed").counter().count()).isEqualTo(1);
        assertThat(longValue(db, "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'churn'")).isZero();

        // Every check also takes the database's size.
        assertThat(registry.get("db.size").gauge().value())
                .isEqualTo(longValue(db, "SELECT pg_database_size(current_database())"), within(1_000_000.0));

        p99.set(40.0);
        MaintenanceOutcome vacuumed = scheduler.runOnce();
        assertThat(vacuumed.status()).isEqualTo(Status.DONE);
        assertThat(vacuumed.action()).get().extracting(MaintenanceAction::sql).isEqualTo("VACUUM (ANALYZE) churn");
        assertThat(registry.get("db.maintenance.actions").tag("action", "vacuum_analyze").tag("table", "churn")
                .counter().count()).isEqualTo(1);
        // The embedded server is a local process: the backend's own I/O is measured (VACUUM writes WAL).
        assertThat(registry.get("db.maintenance.io").tag("action", "vacuum_analyze").tag("direction", "write")
                .counter().count()).isPositive();
        assertThat(registry.get("db.maintenance.cpu").tag("action", "vacuum_analyze").counter().count())
                .isGreaterThanOrEqualTo(0).isLessThan(60);
        await().atMost(Duration.ofSeconds(20)).until(() -> longValue(db,
                "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'churn' AND vacuum_count = 1") == 0);

        // The vacuum left the primary key at its old size for a fifth of the rows: a rebuild is due.
        long before = longValue(db, "SELECT pg_relation_size('churn_pkey')");
        assertThat(scheduler.plan()).first().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(Kind.REINDEX);
            assertThat(a.target()).isEqualTo("churn_pkey");
        });
        MaintenanceOutcome reindexed = scheduler.runOnce();
        assertThat(reindexed.status()).isEqualTo(Status.DONE);
        long rebuilt = longValue(db, "SELECT pg_relation_size('churn_pkey')");
        assertThat(rebuilt).isLessThan(before / 3);
        // REINDEX writes the new index file itself (and its WAL): at least its size went through write().
        assertThat(registry.get("db.maintenance.io").tag("action", "reindex").tag("direction", "write").counter().count())
                .isGreaterThanOrEqualTo(rebuilt);
        assertThat(scheduler.plan()).noneMatch(a -> a.target().equals("churn") || a.target().equals("churn_pkey"));
        assertThat(scheduler.runOnce().status()).isEqualTo(Status.IDLE);
    }

    @Test
    void anotherHolderOfTheMaintenanceLockMakesTheCheckWait() throws SQLException {
        DatabaseConfig db = FreshDatabase.create("maint_lock");
        sql(db, "CREATE TABLE churn (id int PRIMARY KEY) WITH (autovacuum_enabled = false)",
                "INSERT INTO churn SELECT generate_series(1, 20000)", "DELETE FROM churn");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> longValue(db, "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'churn'") >= 20_000);
        MaintenanceScheduler scheduler = MaintenanceScheduler.create(db, MaintenanceConfig.defaults(), () -> Double.NaN,
                Clock.systemUTC(), new SimpleMeterRegistry());

        try (Connection other = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                Statement st = other.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + 0x4858_4D41_494E_54L + ")");
            assertThat(scheduler.runOnce().status()).isEqualTo(Status.BUSY);
        }
        assertThat(scheduler.runOnce().status()).isEqualTo(Status.DONE);
    }

    private static long longValue(DatabaseConfig db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    private static void sql(DatabaseConfig db, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
