package io.hexproperty.database;

import static io.hexproperty.testing.Stages.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.StandardStatus;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.ListingDrafts;
import io.hexproperty.testing.RunningPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** V30: listings LIST-partitioned by status, with one global key table. */
@Postgres
class ListingPartitionsTest {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = TestPostgres.EXTENSION;

    private final PgListingStore store = new PgListingStore(TestPostgres.pool(), Clock.systemUTC());

    @Test
    void aStatusChangeMovesTheRowToTheArchiveAndKeepsItsMediaAndInquiries(RunningPostgres pg) throws SQLException {
        Listing created = await(store.create(ListingDrafts.draft().status(StandardStatus.Active).build(), "agent-p1"));
        String key = created.listingKey().value();
        sql(pg, "INSERT INTO media (listing_key, media_order, media_url, width, height) VALUES ('" + key + "', 0, 'u', 1, 1)");
        sql(pg, "INSERT INTO inquiries (listing_key, name, email, message) VALUES ('" + key + "', 'n', 'e@x', 'm')");
        assertThat(partitionOf(pg, key)).isEqualTo("listings_hot");

        await(store.update(created.listingKey(), new ListingPatch(StandardStatus.Closed, null, null, null, null, null, null, null),
                OptionalLong.of(created.version()), "agent-p1"));

        assertThat(partitionOf(pg, key)).isEqualTo("listings_archive");
        assertThat(text(pg, "SELECT standard_status FROM listing_keys WHERE listing_key = '" + key + "'")).isEqualTo("Closed");
        assertThat(text(pg, "SELECT count(*) FROM media WHERE listing_key = '" + key + "'")).isEqualTo("1");
        assertThat(text(pg, "SELECT count(*) FROM inquiries WHERE listing_key = '" + key + "'")).isEqualTo("1");
        assertThat(await(store.find(created.listingKey()))).get().extracting(Listing::standardStatus).isEqualTo(StandardStatus.Closed);

        // a plain UPDATE moves it back just the same
        sql(pg, "UPDATE listings SET standard_status = 'Pending' WHERE listing_key = '" + key + "'");
        assertThat(partitionOf(pg, key)).isEqualTo("listings_hot");
        assertThat(text(pg, "SELECT standard_status FROM listing_keys WHERE listing_key = '" + key + "'")).isEqualTo("Pending");
        assertThat(text(pg, "SELECT count(*) FROM media WHERE listing_key = '" + key + "'")).isEqualTo("1");
    }

    @Test
    void aKeyCannotExistInBothPartitions(RunningPostgres pg) throws SQLException {
        Listing created = await(store.create(ListingDrafts.draft().status(StandardStatus.Active).build(), "agent-p2"));
        String key = created.listingKey().value();
        String copyAsClosed = "INSERT INTO listings (" + ListingRows.COLUMNS + ") SELECT listing_key, listing_id, 'Closed',"
                + " list_price, property_type, bedrooms_total, bathrooms_total_integer, living_area, unparsed_address, city,"
                + " state_or_province, postal_code, latitude, longitude, h3_r7, h3_r9, listing_contract_date,"
                + " modification_timestamp, photos_count, public_remarks, list_agent_key, version FROM listings"
                + " WHERE listing_key = '" + key + "'";

        assertThatThrownBy(() -> sql(pg, copyAsClosed)).hasMessageContaining("listing_keys");
        assertThatThrownBy(() -> sql(pg, "INSERT INTO listing_keys VALUES ('" + key + "', 'Closed')"))
                .hasMessageContaining("listing_keys_pkey");
        assertThat(text(pg, "SELECT count(*) FROM listings WHERE listing_key = '" + key + "'")).isEqualTo("1");
    }

    @Test
    void deletingReleasesTheKeyAndCascadesToMedia(RunningPostgres pg) throws SQLException {
        Listing created = await(store.create(ListingDrafts.draft().status(StandardStatus.Expired).build(), "agent-p3"));
        String key = created.listingKey().value();
        sql(pg, "INSERT INTO media (listing_key, media_order, media_url, width, height) VALUES ('" + key + "', 0, 'u', 1, 1)");
        assertThat(partitionOf(pg, key)).isEqualTo("listings_archive");

        assertThat(await(store.delete(created.listingKey(), "agent-p3"))).isTrue();

        assertThat(text(pg, "SELECT count(*) FROM listing_keys WHERE listing_key = '" + key + "'")).isEqualTo("0");
        assertThat(text(pg, "SELECT count(*) FROM media WHERE listing_key = '" + key + "'")).isEqualTo("0");
    }

    @Test
    void anActiveSearchScansTheHotPartitionOnly(RunningPostgres pg) throws SQLException {
        SearchSql search = SearchSql.of(SearchQuery.builder().status(StandardStatus.Active).build());
        String plan = explain(pg, search.sql().replace("$1", "'Active'").replace("$2", "21"));
        assertThat(plan).contains("listings_hot").doesNotContain("listings_archive");

        String unfiltered = explain(pg, SearchSql.of(SearchQuery.builder().build()).sql().replace("$1", "21"));
        assertThat(unfiltered).contains("listings_hot").contains("listings_archive");
    }

    private static String partitionOf(RunningPostgres pg, String key) throws SQLException {
        return text(pg, "SELECT tableoid::regclass::text FROM listings WHERE listing_key = '" + key + "'");
    }

    private static String explain(RunningPostgres pg, String sql) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery("EXPLAIN " + sql)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    private static String text(RunningPostgres pg, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from %s", sql).isTrue();
            return rs.getString(1);
        }
    }

    private static void sql(RunningPostgres pg, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
