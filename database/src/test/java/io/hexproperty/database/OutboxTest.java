package io.hexproperty.database;

import static io.hexproperty.testing.Stages.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.Money;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.ListingDrafts;
import io.hexproperty.testing.RunningPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** Every committed write leaves one outbox row, in order, and wakes listeners. */
@Postgres
class OutboxTest {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = TestPostgres.EXTENSION;

    private final PgListingStore store = new PgListingStore(TestPostgres.pool(), Clock.systemUTC());

    @Test
    void createUpdateAndDeleteRecordChangesInSequenceAndNotify(RunningPostgres pg) throws SQLException {
        try (Connection listener = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            listener.createStatement().execute("LISTEN listing_changes");

            Listing created = await(store.create(ListingDrafts.draft().city("Outbox Town").state("OR").build(), "AGOUTBOX01"));
            await(store.update(created.listingKey(), new ListingPatch(null, Money.usd(1), null, null, null, null, null, null),
                    OptionalLong.of(1), "AGOUTBOX01"));
            await(store.delete(created.listingKey(), "AGOUTBOX01"));

            List<long[]> rows = new ArrayList<>();
            List<String> kinds = new ArrayList<>();
            try (PreparedStatement s = listener.prepareStatement("SELECT seq, version, kind, city, state_or_province, h3_r7"
                    + " FROM listing_changes WHERE listing_key = ? ORDER BY seq")) {
                s.setString(1, created.listingKey().value());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(6)});
                        kinds.add(rs.getString(3) + " " + rs.getString(4) + " " + rs.getString(5));
                    }
                }
            }
            assertThat(kinds).containsExactly("UPSERT Outbox Town OR", "UPSERT Outbox Town OR", "DELETE Outbox Town OR");
            assertThat(rows).extracting(r -> r[1]).containsExactly(1L, 2L, 3L);
            assertThat(rows).extracting(r -> r[2]).containsOnly(created.h3r7());
            long first = rows.get(0)[0];
            // Other tests share the database, so only this order is known: strictly increasing.
            assertThat(rows.get(1)[0]).isGreaterThan(first);
            assertThat(rows.get(2)[0]).isGreaterThan(rows.get(1)[0]);

            PGNotification[] notifications = listener.unwrap(PGConnection.class).getNotifications(10_000);
            assertThat(notifications).isNotNull();
            assertThat(notifications).extracting(PGNotification::getName).containsOnly("listing_changes");
            assertThat(notifications).extracting(n -> Long.parseLong(n.getParameter())).contains(first);
        }
    }

    @Test
    void sequenceHasNoGapsAndEqualsTheCounter(RunningPostgres pg) throws SQLException {
        for (int i = 0; i < 5; i++) {
            await(store.create(ListingDrafts.draft().build(), "AGOUTBOX02"));
        }
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT count(*), min(seq), max(seq), (SELECT last FROM change_sequence) FROM listing_changes")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(rs.getLong(3) - rs.getLong(2) + 1);
            assertThat(rs.getLong(3)).isEqualTo(rs.getLong(4));
        }
    }
}
