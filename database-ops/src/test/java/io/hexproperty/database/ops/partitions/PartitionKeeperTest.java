package io.hexproperty.database.ops.partitions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.FreshDatabase;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Postgres
class PartitionKeeperTest {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = FreshDatabase.EXTENSION;

    private DatabaseConfig db;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void freshDatabase() throws SQLException {
        db = FreshDatabase.create("keeper");
    }

    @Test
    void createsMonthsAheadAndDropsThoseOlderThanRetention() throws SQLException {
        MutableClock clock = new MutableClock(Instant.parse("2031-05-17T10:00:00Z"));
        PartitionKeeper keeper = PartitionKeeper.create(db, PartitionKeeperConfig.defaults(), clock, registry);

        PartitionChanges first = keeper.roll();

        assertThat(first.created()).contains("inquiries_p2031_05", "inquiries_p2031_08", "listing_views_daily_p2031_08")
                .doesNotContain("inquiries_p2031_09");
        assertThat(first.failed()).isEmpty();
        // the partitions of the migration (made at "now", years earlier) are past both retentions
        assertThat(first.dropped()).isNotEmpty().allMatch(n -> n.compareTo("inquiries_p2029") < 0 || n.startsWith("listing_views_daily_p2"));
        assertThat(partitions("inquiries")).containsExactly("inquiries_p2031_05", "inquiries_p2031_06", "inquiries_p2031_07",
                "inquiries_p2031_08");

        // rows route into the new months, with UTC month bounds
        sql("INSERT INTO listing_keys VALUES ('K1', 'Active')");
        sql("INSERT INTO inquiries (listing_key, name, email, message, created_at) VALUES"
                + " ('K1', 'n', 'e', 'm', '2031-05-31 23:59:59+00'), ('K1', 'n', 'e', 'm', '2031-06-01 00:00:00+00')");
        assertThat(partitionOfInquiries()).containsExactly("inquiries_p2031_05", "inquiries_p2031_06");

        // A second run the same day changes nothing.
        PartitionChanges again = keeper.roll();
        assertThat(again.created()).isEmpty();
        assertThat(again.dropped()).isEmpty();

        // 13 months and a bit later: views of 2031-05 are older than 13 months, inquiries are kept 24.
        clock.set(Instant.parse("2032-07-02T00:00:00Z"));
        PartitionChanges later = keeper.roll();
        assertThat(later.dropped()).containsExactly("listing_views_daily_p2031_05");
        assertThat(later.created()).contains("inquiries_p2032_10", "listing_views_daily_p2032_10");
        assertThat(partitions("inquiries")).startsWith("inquiries_p2031_05").endsWith("inquiries_p2032_10");

        // 24 months after the end of May 2031 the inquiries of May go, with their rows
        clock.set(Instant.parse("2033-06-01T00:00:00Z"));
        assertThat(keeper.roll().dropped()).contains("inquiries_p2031_05").doesNotContain("inquiries_p2031_06");
        assertThat(partitionOfInquiries()).containsExactly("inquiries_p2031_06");

        assertThat(registry.get("db.partitions.created").tag("table", "inquiries").counter().count()).isGreaterThan(4);
        assertThat(registry.get("db.partitions.dropped").tag("table", "listing_views_daily").counter().count()).isPositive();
    }

    @Test
    void aFailingTableIsReportedAndCountedAndTheOthersStillRoll() throws SQLException {
        sql("DROP TABLE listing_views_daily");
        PartitionKeeper keeper = PartitionKeeper.create(db, PartitionKeeperConfig.defaults(),
                Clock.fixed(Instant.parse("2031-01-10T00:00:00Z"), ZoneOffset.UTC), registry);

        PartitionChanges changes = keeper.roll();

        assertThat(changes.failed()).containsExactly("listing_views_daily");
        assertThat(changes.created()).contains("inquiries_p2031_04");
        assertThat(registry.get("db.partitions.failures").tag("table", "listing_views_daily").counter().count()).isEqualTo(1);
    }

    @Test
    void startRunsAtOnceAndCloseStops() throws SQLException {
        PartitionKeeper keeper = PartitionKeeper.create(db, PartitionKeeperConfig.defaults(),
                Clock.fixed(Instant.parse("2040-02-10T00:00:00Z"), ZoneOffset.UTC), registry);
        keeper.start();
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(partitions("listing_views_daily"))
                    .contains("listing_views_daily_p2040_05"));
            assertThatThrownBy(keeper::start).isInstanceOf(IllegalStateException.class);
        } finally {
            keeper.close();
        }
    }

    @Test
    void policiesAreValidated() {
        assertThatThrownBy(() -> PartitionPolicy.inquiries(3, 0)).hasMessageContaining("retentionMonths");
        assertThatThrownBy(() -> new PartitionPolicy("x; drop", true, 3, 3)).hasMessageContaining("identifier");
        assertThatThrownBy(() -> new PartitionKeeperConfig(List.of(), Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("interval");
    }

    private List<String> partitionOfInquiries() throws SQLException {
        return column("SELECT tableoid::regclass::text FROM inquiries ORDER BY created_at");
    }

    private List<String> partitions(String table) throws SQLException {
        return column("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " WHERE i.inhparent = '" + table + "'::regclass ORDER BY 1");
    }

    private List<String> column(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private void sql(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void set(Instant instant) {
            now.set(instant);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException("fixed to UTC");
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
