package io.hexproperty.database.ops.advisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.FreshDatabase;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Postgres
class IndexAdvisorTest {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = FreshDatabase.EXTENSION;

    @Test
    void findsSlowQueriesDuplicateAndUnusedIndexesMissingIndexesAndCorrelatedColumns() throws SQLException {
        DatabaseConfig db = FreshDatabase.create("advise");
        sql(db, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements",
                "CREATE TABLE big (id int PRIMARY KEY, a int, b int, c text, d int)",
                "INSERT INTO big SELECT i, i % 100, i % 5000, md5(i::text), i % 7000 FROM generate_series(1, 30000) i",
                "CREATE INDEX big_a ON big (a)",
                "CREATE INDEX big_a_b ON big (a, b)",
                "CREATE INDEX big_c1 ON big (c)",
                "CREATE INDEX big_c2 ON big (c)",
                // zip determines city, city determines state
                "CREATE TABLE places (zip text, city text, state text)",
                "INSERT INTO places SELECT z::text, 'c' || (z % 100), 's' || (z % 10)"
                        + " FROM (SELECT i % 500 AS z FROM generate_series(1, 30000) i) s",
                "ANALYZE big", "ANALYZE places");
        try (Connection c = connect(db); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM big WHERE d = ?")) {
            for (int i = 0; i < 8; i++) {
                ps.setInt(1, i);
                ps.executeQuery().close();
            }
        }
        // table statistics reach pg_stat_user_tables when the backend flushes them (about a second)
        await().atMost(Duration.ofSeconds(20)).until(() -> longValue(db, "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'big'") >= 8);

        AdviceConfig settings = new AdviceConfig(Duration.ZERO, 50, 10_000, 1_000,
                Map.of("places", List.of("zip", "city", "state")));
        Advice advice = IndexAdvisor.create(db, settings, Clock.systemUTC()).advise();

        assertThat(advice.pgStatStatements()).isTrue();
        assertThat(advice.hypopg()).isFalse();
        assertThat(advice.slowQueries()).anySatisfy(q -> {
            assertThat(q.query()).contains("FROM big WHERE d = $1");
            assertThat(q.calls()).isEqualTo(8);
            assertThat(q.plan()).contains("Seq Scan on big").contains("Filter: (d = $1)");
        });
        assertThat(advice.duplicateIndexes()).anySatisfy(d -> {
            assertThat(d.redundant()).isEqualTo("big_a");
            assertThat(d.by()).isEqualTo("big_a_b");
            assertThat(d.exact()).isFalse();
        });
        assertThat(advice.duplicateIndexes()).filteredOn(d -> d.redundant().startsWith("big_c")).singleElement()
                .satisfies(d -> assertThat(d.exact()).isTrue());
        assertThat(advice.duplicateIndexes()).noneMatch(d -> d.redundant().equals("big_a_b") || d.redundant().equals("big_pkey"));
        assertThat(advice.unusedIndexes()).extracting(Advice.UnusedIndex::index).contains("big_c1", "big_c2")
                .doesNotContain("big_pkey");
        assertThat(advice.missingIndexes()).anySatisfy(m -> {
            assertThat(m.table()).isEqualTo("big");
            assertThat(m.filterColumns()).containsExactly("d");
            assertThat(m.suggestion()).isEqualTo("CREATE INDEX CONCURRENTLY ON big (d);");
            assertThat(m.costBefore()).isNaN();
        });
        assertThat(advice.statistics()).singleElement().satisfies(s -> {
            assertThat(s.table()).isEqualTo("places");
            assertThat(s.statement()).startsWith("CREATE STATISTICS places_zip_city_state_stats (ndistinct, dependencies) ON zip, city, state FROM places;");
            assertThat(s.misestimate()).startsWith("planner estimates");
        });

        String text = advice.text();
        assertThat(text).contains("== Slow queries", "== Duplicate indexes", "big_a on big", "DROP INDEX big_a;",
                "HypoPG not installed", "CREATE STATISTICS places_zip_city_state_stats");
        JsonObject json = new JsonObject(advice.json());
        assertThat(json.getJsonArray("duplicateIndexes").size()).isEqualTo(advice.duplicateIndexes().size());
        assertThat(json.getBoolean("hypopg")).isFalse();

        // once the statistics exist, the suggestion goes away
        sql(db, "CREATE STATISTICS places_s (ndistinct, dependencies) ON zip, city, state FROM places", "ANALYZE places");
        assertThat(IndexAdvisor.create(db, settings, Clock.systemUTC()).advise().statistics()).isEmpty();
    }

    @Test
    void independentColumnsGetNoStatisticsSuggestion() throws SQLException {
        DatabaseConfig db = FreshDatabase.create("advise_indep");
        sql(db, "CREATE TABLE grid (x int, y int)",
                "INSERT INTO grid SELECT i % 50, (i / 50) % 40 FROM generate_series(1, 20000) i", "ANALYZE grid");
        AdviceConfig settings = new AdviceConfig(Duration.ofMillis(20), 10, 10_000, 1_000, Map.of("grid", List.of("x", "y")));

        Advice advice = IndexAdvisor.create(db, settings, Clock.systemUTC()).advise();

        assertThat(advice.statistics()).isEmpty();
    }

    @Test
    void readsFilterColumnsUnderSequentialScansOnly() {
        String plan = """
                Limit  (cost=0.42..10.2 rows=21 width=8)
                  ->  Append  (cost=0.42..200.0 rows=400 width=8)
                        ->  Seq Scan on listings_archive listings_2  (cost=0.00..100.0 rows=10 width=8)
                              Filter: ((bedrooms_total >= $1) AND (lower(city) = lower($2)) AND (list_price <= $3))
                        ->  Index Scan using listings_hot_pkey on listings_hot listings_1  (cost=0.42..8.44 rows=1 width=8)
                              Filter: (postal_code = $4)
                """;

        assertThat(PgIndexAdvisor.filterColumns(plan, "listings_archive"))
                .containsExactly(Map.entry("bedrooms_total", ">="), Map.entry("lower(city)", "="), Map.entry("list_price", "<="));
        assertThat(PgIndexAdvisor.filterColumns(plan, "listings_hot")).isEmpty();
    }

    private static Connection connect(DatabaseConfig db) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }

    private static long longValue(DatabaseConfig db, String sql) throws SQLException {
        try (Connection c = connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static void sql(DatabaseConfig db, String... statements) throws SQLException {
        try (Connection c = connect(db); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
