package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;

/** The outbox sequence of a listing change, so a test can wait until a node's feed has processed it. */
final class Sequences {
    private Sequences() {
    }

    static long of(TestPlatform p, String key, long version) throws Exception {
        return of(p.platform, key, version);
    }

    static long of(Platform platform, String key, long version) throws Exception {
        var db = platform.database();
        try (var c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             var st = c.prepareStatement("SELECT seq FROM listing_changes WHERE listing_key = ? AND version = ?")) {
            st.setString(1, key);
            st.setLong(2, version);
            try (var rs = st.executeQuery()) {
                assertThat(rs.next()).as("outbox row of %s v%d", key, version).isTrue();
                return rs.getLong(1);
            }
        }
    }
}
