package io.hexproperty.database.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Postgres
class EmbeddedReplicasTest {
    @TempDir
    Path dir;

    @Test
    void replicasStreamThePrimaryAndAreReusedAcrossRestarts() throws Exception {
        try (EmbeddedDatabase primary = EmbeddedDatabase.start(dir, 0);
             EmbeddedReplicas replicas = EmbeddedReplicas.start(primary, EmbeddedReplicas.Config.of(2))) {
            execute(primary, "CREATE TABLE streamed (v text)", "INSERT INTO streamed VALUES ('first')");
            for (EmbeddedDatabase replica : replicas.replicas()) {
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> "first".equals(queryOne(replica, "SELECT max(v) FROM streamed")));
                assertThat(queryOne(replica, "SELECT pg_is_in_recovery()")).isEqualTo("t");
            }
            assertThat(queryOne(primary, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")).isEqualTo("2");
            assertThat(replicas.replicas().get(0).dataDirectory()).isEqualTo(dir.toAbsolutePath().resolve("replica-1"));
        }
        Path marker = dir.resolve("replica-1/pgdata/PG_VERSION");
        long created = Files.getLastModifiedTime(marker).toMillis();

        try (EmbeddedDatabase primary = EmbeddedDatabase.start(dir, 0);
             EmbeddedReplicas replicas = EmbeddedReplicas.start(primary, EmbeddedReplicas.Config.of(1))) {
            execute(primary, "INSERT INTO streamed VALUES ('second')");
            EmbeddedDatabase replica = replicas.replicas().get(0);
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> "2".equals(queryOne(replica, "SELECT count(*) FROM streamed")));
            assertThat(Files.getLastModifiedTime(marker).toMillis()).as("reused, not rebuilt").isEqualTo(created);
            assertThat(queryOne(primary, "SELECT string_agg(slot_name, ',') FROM pg_replication_slots"))
                    .as("the slot of replica 2, no longer configured, holds no WAL").isEqualTo("hexproperty_replica_1");
            assertThat(dir.resolve("replica-2/pgdata")).doesNotExist();
        }
    }

    static void execute(EmbeddedDatabase db, String... sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    static String queryOne(EmbeddedDatabase db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
