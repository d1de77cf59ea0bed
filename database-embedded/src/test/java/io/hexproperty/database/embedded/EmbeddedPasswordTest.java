package io.hexproperty.database.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Postgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9 item 6: the embedded server authenticates with scram-sha-256, and a trust cluster is moved over. */
@Postgres
class EmbeddedPasswordTest {
    @TempDir
    Path dir;

    @Test
    void aNewClusterRequiresTheGeneratedPasswordKeptInAnOwnerOnlyFile() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
            Path file = dir.resolve(EmbeddedDatabase.PASSWORD_FILE);
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE));
            assertThat(Files.readString(file).strip()).isEqualTo(db.password()).hasSizeGreaterThanOrEqualTo(32);
            assertRefused(db, null);
            assertRefused(db, "postgres");
            assertThat(connectsWith(db, db.password())).isTrue();
            assertThat(Files.readString(dir.resolve("pgdata/pg_hba.conf"))).doesNotContainPattern("(?m)^[^#].*\\strust\\s*$");
            assertThat(db.url()).contains(db.password());
            assertThat(db.urlWithoutPassword()).doesNotContain(db.password());
        }
    }

    @Test
    void aClusterCreatedWithTrustKeepsItsDataAndRequiresAPasswordFromItsNextStart() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('from the trust era')");
                s.execute("ALTER ROLE postgres PASSWORD NULL"); // as initdb -A trust left it
            }
        }
        // what an older version left: trust in pg_hba.conf and no password file
        Path hba = dir.resolve("pgdata/pg_hba.conf");
        List<String> trusting = Files.readAllLines(hba).stream()
                .map(l -> l.startsWith("#") ? l : l.replace("scram-sha-256", "trust")).toList();
        Files.write(hba, trusting, StandardCharsets.UTF_8);
        Files.delete(dir.resolve(EmbeddedDatabase.PASSWORD_FILE));

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
            assertRefused(db, null);
            assertThat(connectsWith(db, db.password())).isTrue();
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT v FROM kept")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("from the trust era");
            }
        }
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
            assertThat(connectsWith(db, db.password())).as("the same password on later starts").isTrue();
        }
    }

    private static void assertRefused(EmbeddedDatabase db, String password) {
        assertThatThrownBy(() -> connectsWith(db, password)).isInstanceOf(SQLException.class)
                .hasMessageContaining("password");
    }

    private static boolean connectsWith(EmbeddedDatabase db, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", db.user());
        if (password != null) {
            props.setProperty("password", password);
        }
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), props); Statement s = c.createStatement()) {
            return s.execute("SELECT 1");
        }
    }
}
