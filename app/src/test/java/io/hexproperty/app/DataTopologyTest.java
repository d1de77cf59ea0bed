package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.ops.maintenance.MaintenanceOutcome;
import io.hexproperty.database.ops.maintenance.MaintenanceScheduler;
import io.hexproperty.database.ops.slowqueries.SlowQueryConfig;
import io.hexproperty.database.ops.slowqueries.SlowQuerySample;
import io.hexproperty.testing.lane.Postgres;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Slow-query capture and maintenance in each data topology of {@code serve}: one database,
 * {@code --replicas 1} (reads on the replica must still be captured) and {@code --shards 2} (every
 * shard captured and maintained, not shard 0 alone).
 */
@Postgres
class DataTopologyTest {

    enum Topology {
        SINGLE(1, Replication.Config.none()),
        REPLICAS_1(1, new Replication.Config(1, List.of(), Duration.ofSeconds(1))),
        SHARDS_2(2, Replication.Config.none());

        final int shards;
        final Replication.Config replication;

        Topology(int shards, Replication.Config replication) {
            this.shards = shards;
            this.replication = replication;
        }
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void slowQueryCaptureAndMaintenanceCoverEveryNode(Topology topology) throws Exception {
        Path root = Files.createTempDirectory("hexproperty-topology");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        // Cache off: every search reaches the stores, whose statements the sampler must observe.
        ServeConfig config = new ServeConfig("127.0.0.1", 0, root.resolve("pg"), null, "postgres", "postgres", 300, 7,
                true, 2, 8, Duration.ofSeconds(2), root.resolve("demo-agent-token"), false, null,
                ServeConfig.CacheConfig.defaults(), topology.shards, topology.replication);
        // Threshold 0: every read is "slow", so capture proves the observer is wired, not that a query was slow.
        SlowQueryConfig everything = new SlowQueryConfig(Duration.ZERO, 200, Duration.ZERO, Duration.ofSeconds(10));
        try (Platform platform = new Platform(config, new PrintStream(System.out, true)).slowQueries(everything).start();
             HttpClient http = HttpClient.newHttpClient()) {
            if (platform.replication() != null) {
                var set = platform.replication().replicaSet();
                await().atMost(Duration.ofSeconds(30)).until(() -> set.nodes().stream().allMatch(n -> n.up() && n.polled()));
            }
            // One search per state the seed uses most: with shards, each lands on its own shard's store.
            for (String state : List.of("CA", "TX", "NY", "FL", "WA", "MA")) {
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.port()
                        + "/api/v1/listings?state=" + state + "&limit=3")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).isEqualTo(200);
            }
            platform.slowQueries().drain();
            await().atMost(Duration.ofSeconds(30)).until(() -> platform.slowQueries().recent().stream()
                    .anyMatch(s -> s.sql().contains("FROM listings")));
            if (platform.replication() != null) {
                assertThat(platform.metrics().registry().get("db.reads").tag("node", "replica-1").counter().count())
                        .as("the captured reads ran on the replica").isPositive();
            }

            List<DatabaseConfig> primaries = platform.primaries();
            assertThat(primaries).hasSize(topology.shards);
            assertThat(primaries.stream().map(DatabaseConfig::url).distinct()).hasSize(topology.shards);
            assertThat(platform.maintenance()).as("one maintenance scheduler per primary").hasSize(topology.shards);
            for (MaintenanceScheduler scheduler : platform.maintenance()) {
                assertThat(scheduler.plan()).isNotNull();
                assertThat(scheduler.runOnce().status()).isNotEqualTo(MaintenanceOutcome.Status.FAILED);
            }
            // Every primary's sampler captured: with shards, shard i's store reports to shard i's sampler.
            assertThat(platform.slowQuerySamplers()).hasSize(topology.shards);
            for (var sampler : platform.slowQuerySamplers()) {
                assertThat(sampler.recent().stream().map(SlowQuerySample::sql)).anyMatch(sql -> sql.contains("FROM listings"));
            }
        }
    }
}
