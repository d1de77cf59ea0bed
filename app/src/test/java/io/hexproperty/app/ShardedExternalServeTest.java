package io.hexproperty.app;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.database.Migrations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.embedded.EmbeddedShards;
import io.hexproperty.database.sharding.ShardMap;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code serve --shards 2 --db-url a,b}: shards on databases the platform does not own. */
@Postgres
class ShardedExternalServeTest {

    @Test
    void servesFromExternalShardsSeedingEachWithItsStatesAndLeavesThemRunning() throws Exception {
        Path root = Files.createTempDirectory("hexproperty-external-shards");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        ShardMap map = ShardMap.byState(2);
        try (EmbeddedShards external = EmbeddedShards.start(root.resolve("external"), 2,
                db -> Migrations.apply(db.jdbcUrl(), db.user(), db.password()))) {
            String urls = external.urls().stream().map(DatabaseConfig::of).toList().stream().map(DatabaseConfig::url).collect(Collectors.joining(","));
            ServeConfig config = new ServeConfig("127.0.0.1", 0, root.resolve("unused"), urls, "postgres", "",
                    800, 3, true, 1, 4, Duration.ofSeconds(1), root.resolve("token"), true, null, ServeConfig.CacheConfig.defaults(), 2, Replication.Config.none());
            try (Platform platform = new Platform(config, new PrintStream(System.out, true)).start()) {
                HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + platform.port() + "/api/v1/listings?limit=5")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).isEqualTo(200);
            }
            long total = 0;
            for (int s = 0; s < 2; s++) {
                DatabaseConfig shard = external.urls().stream().map(DatabaseConfig::of).toList().get(s);
                List<String> states = strings(shard, "SELECT DISTINCT state_or_province FROM listings");
                assertThat(map.statesOf(s)).as("shard " + s).containsAll(states);
                total += Long.parseLong(strings(shard, "SELECT count(*) FROM listings").getFirst());
            }
            assertThat(total).isEqualTo(800);
            assertThat(Files.exists(root.resolve("unused"))).isFalse();
        } finally {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aShardCountThatDoesNotMatchTheUrlListIsRefusedWithBothNumbers() {
        assertThatThrownBy(() -> new ServeConfig("127.0.0.1", 0, Path.of("x"), "postgresql://a/db,postgresql://b/db",
                "postgres", "", 0, 1, false, 1, 4, Duration.ofSeconds(1), Path.of("t"), true, null, ServeConfig.CacheConfig.defaults(), 3, Replication.Config.none()))
                .hasMessage("--shards 3 with --db-url needs 3 comma-separated URLs, one per shard in shard order; got 2");
    }

    private static List<String> strings(DatabaseConfig db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            List<String> values = new java.util.ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }
}
