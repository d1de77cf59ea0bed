package io.hexproperty.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.domain.Address;
import io.hexproperty.domain.Listing;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Loads into a real PostgreSQL (embedded), one freshly migrated database per test. */
@Postgres
class SeederTest {
    private static final Instant AS_OF = Instant.parse("2026-01-01T00:00:00Z");
    private static final SeedConfig OPTIONS = SeedConfig.defaults()
            .withChunkRows(300)
            .withClock(Clock.fixed(AS_OF, ZoneOffset.UTC));
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static EmbeddedPostgres pg;

    @BeforeAll
    static void start() throws IOException {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws IOException {
        pg.close();
    }

    @Test
    void loadsListingsAndCoverPhotosAndRestoresTheSearchIndexes() throws SQLException {
        String url = freshDatabase();
        Map<String, String> indexesBefore = indexes(url);
        assertThat(indexesBefore).containsKeys("listings_text", "listings_geo", "listings_city_newest", "listings_pkey");
        assertThat(Seeder.isSeeded(url, "postgres", null)).isFalse();

        List<String> events = new ArrayList<>();
        SeedReport report = new Seeder(url, "postgres", null, OPTIONS)
                .seed(2_000, 42, (phase, done, total) -> events.add(phase + " " + done + "/" + total));

        ListingGenerator generator = ListingGenerator.create(42, AS_OF);
        long withPhotos = generator.listings(0, 2_000).filter(l -> l.photosCount() > 0).count();
        assertThat(report.listings()).isEqualTo(2_000);
        assertThat(report.media()).isEqualTo(withPhotos).isLessThan(2_000);
        // Every index but the two primary keys, and the foreign keys of listings and media to listing_keys.
        assertThat(report.indexes()).isEqualTo(indexesBefore.size() - 2 + 2);
        assertThat(report.steps()).containsKeys("register listing_keys", "VACUUM (ANALYZE) listings",
                "VACUUM (ANALYZE) listing_keys").hasSize(report.indexes() + 4);
        assertThat(longValue(url, "SELECT count(*) FROM listing_keys")).isEqualTo(2_000);
        assertThat(longValue(url, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                + " WHERE NOT i.indisvalid AND c.relname LIKE 'listings%'")).as("invalid indexes").isZero();
        assertThat(longValue(url, "SELECT count(*) FROM listings")).isEqualTo(2_000);
        assertThat(longValue(url, "SELECT count(*) FROM media")).isEqualTo(withPhotos);
        assertThat(indexes(url)).isEqualTo(indexesBefore);
        assertThat(longValue(url, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'media'::regclass AND contype = 'f'"))
                .isEqualTo(1);
        assertThat(longValue(url, "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('listings_hot', 'listings_archive', 'media')"
                + " AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL")).isEqualTo(3);
        assertThat(Seeder.isSeeded(url, "postgres", null)).isTrue();
        assertThat(longValue(url, "SELECT count(*) FROM pg_class WHERE relname IN ('listings', 'media')"
                + " AND reloptions IS NULL")).as("autovacuum settings put back").isEqualTo(2);

        assertThat(readBack(url, generator.listing(17).listingKey().value())).isEqualTo(generator.listing(17));
        assertThat(readBack(url, generator.listing(1_999).listingKey().value())).isEqualTo(generator.listing(1_999));
        assertThat(longValue(url, "SELECT count(*) FROM listings WHERE search_text @@ plainto_tsquery('simple', 'houston')"))
                .isEqualTo(generator.listings(0, 2_000).filter(l -> l.address().city().equals("Houston")).count())
                .isPositive();

        assertThat(events.getFirst()).isEqualTo("PREPARE 0/2");
        assertThat(events).contains("COPY 2000/2000", "ANALYZE 3/3");
        // every deferred index and constraint of the migrations (their number grows with them) is rebuilt
        assertThat(events).anyMatch(e -> e.matches("INDEX ([0-9]+)/\\1") && !e.equals("INDEX 0/0"));
        assertThat(events.getLast()).isEqualTo("ANALYZE 3/3");
        assertThat(events.stream().map(e -> e.split(" ")[0]).distinct().toList())
                .containsExactly("PREPARE", "COPY", "INDEX", "ANALYZE");
    }

    @Test
    void refusesToLoadIntoATableThatHasRows() throws SQLException {
        String url = freshDatabase();
        Seeder seeder = new Seeder(url, "postgres", null, OPTIONS);
        seeder.seed(50, 1, SeedProgress.none());
        Map<String, String> indexes = indexes(url);

        assertThatThrownBy(() -> seeder.seed(50, 1, SeedProgress.none()))
                .isInstanceOfSatisfying(SeedException.class, e -> assertThat(e.phase()).isEqualTo(SeedPhase.PREPARE))
                .hasMessageContaining("not empty");
        assertThat(longValue(url, "SELECT count(*) FROM listings")).isEqualTo(50);
        assertThat(indexes(url)).isEqualTo(indexes);
    }

    @Test
    void trickyCharactersSurviveCopyEscaping() throws SQLException {
        String url = freshDatabase();
        ListingGenerator generator = ListingGenerator.create(5, AS_OF);
        String[] remarks = {
                "back\\slash and \\N and \\. and \\\\",
                "tab\there, new\nline, carriage\rreturn, windows\r\nline end",
                "quotes ' \" ` and commas, semicolons; and a 100% sign",
                "\\.\nalone on a line ends COPY data unless escaped",
                "unicode: Cañon City, Coeur d'Alene, Zürich, 東京, emoji 🏠🔑, RTL שלום",
                "",
        };
        // single-line fields refuse control characters (Text.requireLine): tabs and line ends ride in the remarks
        String[] cities = {"Coeur d'Alene", "Cañon City", "Stambaugh, Iron River", "Back\\slash", "東京", "O'Fallon"};
        List<Listing> listings = new ArrayList<>();
        for (int i = 0; i < remarks.length; i++) {
            Listing g = generator.listing(i);
            listings.add(new Listing(g.listingKey(), g.listingId(), g.standardStatus(), g.listPrice(), g.propertyType(),
                    g.bedroomsTotal(), g.bathroomsTotalInteger(), g.livingArea(),
                    new Address("1\\2 \"Main\" St #3", cities[i], "TX", "77002"), g.location(), g.h3r7(), g.h3r9(),
                    g.listingContractDate(), g.modificationTimestamp(), g.photosCount(),
                    remarks[i].isEmpty() ? null : remarks[i], i == 0 ? "agent\\1\tx" : null, g.version()));
        }

        new Seeder(url, "postgres", null, OPTIONS).load(listings.size(), i -> listings.get((int) i), SeedProgress.none(),
                System.nanoTime());

        for (Listing expected : listings) {
            assertThat(readBack(url, expected.listingKey().value())).isEqualTo(expected);
        }
        assertThat(longValue(url, "SELECT count(*) FROM listings WHERE search_text @@ plainto_tsquery('simple', '東京')"))
                .isEqualTo(1);
        assertThat(longValue(url, "SELECT count(*) FROM listings WHERE search_text @@ plainto_tsquery('simple', 'alene')"))
                .as("the city of one row and the remarks of another").isEqualTo(2);
    }

    @Test
    void aFailedLoadStillRestoresTheIndexesAndSaysHowFarItGot() throws SQLException {
        String url = freshDatabase();
        Map<String, String> indexes = indexes(url);
        ListingGenerator generator = ListingGenerator.create(9, AS_OF);

        assertThatThrownBy(() -> new Seeder(url, "postgres", null, OPTIONS).load(3_000, i -> {
            if (i == 1_500) {
                throw new IllegalStateException("generator broke at " + i);
            }
            return generator.listing(i);
        }, SeedProgress.none(), System.nanoTime()))
                .isInstanceOfSatisfying(SeedException.class, e -> {
                    assertThat(e.phase()).isEqualTo(SeedPhase.COPY);
                    // Streams load chunks in parallel, so another stream's later chunk may have committed.
                    assertThat(e.rowsLoaded()).isLessThan(3_000).isEqualTo(e.rowsLoaded() / 300 * 300);
                })
                .hasMessageContaining("generator broke at 1500");
        assertThat(indexes(url)).isEqualTo(indexes);
        assertThat(longValue(url, "SELECT count(*) FROM listings") % 300).isZero();
        assertThat(longValue(url, "SELECT count(*) FROM pg_class WHERE relname IN ('listings', 'media')"
                + " AND reloptions IS NULL")).as("autovacuum settings put back").isEqualTo(2);
    }

    private static String freshDatabase() throws SQLException {
        String name = "seed_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"));
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        String url = pg.getJdbcUrl("postgres", name);
        Flyway.configure().dataSource(url, "postgres", null).load().migrate();
        return url;
    }

    /** Name to definition of every index on listings and media. */
    private static Map<String, String> indexes(String url) throws SQLException {
        Map<String, String> found = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT indexname, indexdef FROM pg_indexes"
                        + " WHERE tablename IN ('listings', 'media')")) {
            while (rs.next()) {
                found.put(rs.getString(1), rs.getString(2));
            }
        }
        return found;
    }

    private static long longValue(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Listing readBack(String url, String key) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                var ps = c.prepareStatement("SELECT " + CopyRows.LISTING_COLUMNS + " FROM listings WHERE listing_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row %s exists", key).isTrue();
                return new Listing(io.hexproperty.domain.ListingKey.of(rs.getString(1)), rs.getString(2),
                        io.hexproperty.domain.StandardStatus.valueOf(rs.getString(3)),
                        io.hexproperty.domain.Money.usd(rs.getLong(4)),
                        io.hexproperty.domain.PropertyType.valueOf(rs.getString(5)), rs.getInt(6), rs.getInt(7),
                        rs.getInt(8), new Address(rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12)),
                        new io.hexproperty.domain.GeoPoint(rs.getDouble(13), rs.getDouble(14)), rs.getLong(15),
                        rs.getLong(16), rs.getObject(17, java.time.LocalDate.class),
                        rs.getObject(18, java.time.OffsetDateTime.class).toInstant(), rs.getInt(19), rs.getString(20),
                        rs.getString(21), rs.getLong(22));
            }
        }
    }
}
