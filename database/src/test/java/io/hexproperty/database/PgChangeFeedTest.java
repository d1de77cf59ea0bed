package io.hexproperty.database;

import static io.hexproperty.testing.Stages.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.domain.ListingChange;
import io.hexproperty.domain.port.out.ChangeFeed;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.testing.ChangeFeedContract;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.ListingDrafts;
import io.hexproperty.testing.lane.Postgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The change feed contract over the outbox and LISTEN/NOTIFY of the embedded PostgreSQL. */
@Postgres
class PgChangeFeedTest extends ChangeFeedContract {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = TestPostgres.EXTENSION;

    private final PgListingStore store = new PgListingStore(TestPostgres.pool(), Clock.systemUTC());

    @Override
    protected ChangeFeed newFeed() {
        return new PgChangeFeed(TestPostgres.vertx(), TestPostgres.pool(), DatabaseConfig.of(PG.postgres().url()),
                Duration.ofSeconds(1));
    }

    @Override
    protected ListingStore store() {
        return store;
    }

    /**
     * The LISTEN connection dies again and again while writes commit and a 1 ms poll catches up
     * through the pool, so catch-ups land while the feed re-connects (it reads the outbox's newest
     * sequence on the new connection to spot a rewound database). None of that may look like a
     * rewind or a gap: the feed must never ask its consumers to flush, and must deliver every
     * sequence once, in order.
     */
    @Test
    void reconnectsRacingCatchUpsUnderWritesNeverFlush() throws Exception {
        var pg = PG.postgres();
        ChangeFeed feed = new PgChangeFeed(TestPostgres.vertx(), TestPostgres.pool(), DatabaseConfig.of(pg.url()),
                Duration.ofMillis(1));
        Received received = new Received();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = Thread.ofVirtual().start(() -> {
            while (writing.get()) {
                await(store.create(ListingDrafts.draft().city("Reconnect City").state("IL").build(), "AGFEEDRECON1"));
            }
        });
        try (Connection admin = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            await(feed.start(-1, received));
            for (int kill = 0; kill < 25; kill++) {
                int killed = listenBackend(admin);
                try (var st = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
                    st.setInt(1, killed);
                    st.execute();
                }
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                    int now = listenBackend(admin);
                    return now != 0 && now != killed;
                });
            }
            writing.set(false);
            writer.join();
            long newest = await(PgChangeFeed.range(TestPostgres.pool())).newest();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> feed.lastSequence() >= newest);
        } finally {
            writing.set(false);
            feed.close();
        }
        assertThat(received.lostReasons()).as("flush requests").isEmpty();
        List<Long> sequences = received.all().stream().map(ListingChange::sequence).toList();
        for (int i = 1; i < sequences.size(); i++) {
            assertThat(sequences.get(i)).as("sequence after " + sequences.get(i - 1)).isEqualTo(sequences.get(i - 1) + 1);
        }
        assertThat(sequences).hasSizeGreaterThan(25);
    }

    /** The pid of the feed's LISTEN connection, 0 while there is none. */
    private static int listenBackend(Connection admin) throws SQLException {
        try (var rs = admin.createStatement().executeQuery(
                "SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE query = 'LISTEN listing_changes'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
