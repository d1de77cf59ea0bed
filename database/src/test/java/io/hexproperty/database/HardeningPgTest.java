package io.hexproperty.database;

import static io.hexproperty.testing.Stages.await;
import static io.hexproperty.testing.Stages.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.domain.Agent;
import io.hexproperty.domain.port.out.StoreUnavailableException;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.lane.Postgres;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 9 on real PostgreSQL: statement_timeout on pooled connections, account roles (V60), outbox retention. */
@Postgres
class HardeningPgTest {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = TestPostgres.EXTENSION;

    @Test
    void pooledConnectionsCancelAStatementPastTheTimeoutAsStoreUnavailable() {
        DatabaseConfig config = DatabaseConfig.of(PG.postgres().url()).withPoolSize(1)
                .withStatementTimeout(Duration.ofMillis(300));
        Pool pool = PgPools.create(TestPostgres.vertx(), config);
        try {
            var rows = await(pool.query("SELECT current_setting('statement_timeout')").execute().toCompletionStage());
            assertThat(rows.iterator().next().getString(0)).isEqualTo("300ms");
            Throwable cancelled = failure(pool.query("SELECT pg_sleep(30)").execute()
                    .recover(e -> io.vertx.core.Future.failedFuture(PgErrors.toPort(e, pool))).toCompletionStage());
            assertThat(cancelled).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("57014")
                    .hasMessageContaining("statement_timeout");
        } finally {
            pool.close();
        }
        assertThat(DatabaseConfig.of(PG.postgres().url()).statementTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void v60GivesAccountsRolesAndAFeedAccountNoTokenAuthenticatesAs() throws Exception {
        DatabaseConfig db = FreshDatabase.create("roles");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT role FROM agents WHERE agent_key = '" + Agent.MLS_FEED_KEY + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("FEED");
        }
        Pool pool = PgPools.create(TestPostgres.vertx(), db.withPoolSize(1));
        try {
            PgAgentStore agents = new PgAgentStore(pool);
            assertThat(await(agents.count())).as("the feed account is no agent: serve still creates its demo agent").isZero();
            var broker = await(agents.create("Bea Broker", Agent.Role.BROKER));
            assertThat(await(agents.authenticate(broker.token()))).hasValueSatisfying(a -> {
                assertThat(a.role()).isEqualTo(Agent.Role.BROKER);
                assertThat(a.mayChangeListingOf(Agent.MLS_FEED_KEY)).isTrue();
            });
            var agent = await(agents.create("Al Agent"));
            assertThat(await(agents.authenticate(agent.token()))).hasValueSatisfying(a -> {
                assertThat(a.role()).isEqualTo(Agent.Role.AGENT);
                assertThat(a.mayChangeListingOf(Agent.MLS_FEED_KEY)).isFalse();
            });
        } finally {
            pool.close();
        }
    }

    @Test
    void retentionPrunesOldChangesAndBatchesButNeverWhatTheFeedStillNeedsNorTheNewest() throws Exception {
        DatabaseConfig db = FreshDatabase.create("retention");
        Instant now = Instant.parse("2026-12-03T12:00:00Z");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement st = c.createStatement()) {
            // seq 1..10 ten days old, 11..12 an hour old; batches: three old, one new
            st.execute("INSERT INTO listing_changes (seq, listing_key, version, kind, city, state_or_province, h3_r7, committed_at)"
                    + " SELECT g, 'HX' || g, 1, 'UPSERT', 'Austin', 'TX', 0,"
                    + " CASE WHEN g <= 10 THEN timestamptz '2026-11-23T12:00:00Z' ELSE timestamptz '2026-12-03T11:00:00Z' END"
                    + " FROM generate_series(1, 12) g");
            st.execute("INSERT INTO applied_batches (id, applied_at) VALUES ('a', '2026-11-01T00:00:00Z'),"
                    + " ('b', '2026-11-02T00:00:00Z'), ('c', '2026-11-03T00:00:00Z'), ('d', '2026-12-03T11:59:00Z')");
        }
        Pool pool = PgPools.create(TestPostgres.vertx(), db.withPoolSize(1));
        try {
            RetentionConfig config = new RetentionConfig(Duration.ofDays(7), Duration.ofHours(1), 2); // batch 2: several rounds
            // the local feed has delivered up to 6: 7..10 are old but still needed
            PgRetention.Pruned first = await(new PgRetention(pool, config, Clock.fixed(now, ZoneOffset.UTC), () -> 6).prune());
            assertThat(first).isEqualTo(new PgRetention.Pruned(6, 3));
            assertThat(seqs(db)).containsExactly(7L, 8L, 9L, 10L, 11L, 12L);
            assertThat(batches(db)).containsExactly("d");
            // everything delivered and everything old: the newest change still stays (it names the current sequence)
            PgRetention.Pruned second = await(new PgRetention(pool, config,
                    Clock.fixed(now.plus(Duration.ofDays(30)), ZoneOffset.UTC), () -> 12).prune());
            assertThat(second).isEqualTo(new PgRetention.Pruned(5, 1));
            assertThat(seqs(db)).containsExactly(12L);
            assertThat(await(PgChangeFeed.range(pool)).newest()).isEqualTo(12);
        } finally {
            pool.close();
        }
    }

    private static java.util.List<Long> seqs(DatabaseConfig db) throws Exception {
        java.util.List<Long> out = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT seq FROM listing_changes ORDER BY seq")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    private static java.util.List<String> batches(DatabaseConfig db) throws Exception {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM applied_batches ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
