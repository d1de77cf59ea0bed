package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.database.replicas.Node;
import io.hexproperty.database.replicas.ReplicaSet;
import io.hexproperty.testing.ListingDrafts;
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
import org.junit.jupiter.api.Test;

/** {@code serve --replicas 1} end to end, then {@code db promote} against it while it runs. */
@Postgres
class ReplicatedServeTest {
    @Test
    void serveWithAReplicaReadsFromItAndFollowsAPromotionMadeFromTheCommandLine() throws Exception {
        Path root = Files.createTempDirectory("hexproperty-replicated");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dataDir = root.resolve("pg");
        ServeConfig config = new ServeConfig("127.0.0.1", 0, dataDir, null, "postgres", "postgres", 300, 7, true, 2, 8,
                Duration.ofSeconds(2), root.resolve("demo-agent-token"), false, null, ServeConfig.CacheConfig.defaults(), 1,
                new Replication.Config(1, List.of(), Duration.ofSeconds(1)));
        try (Platform platform = new Platform(config, new PrintStream(System.out, true)).start();
             HttpClient http = HttpClient.newHttpClient()) {
            ReplicaSet set = platform.replication().replicaSet();
            await().atMost(Duration.ofSeconds(20)).until(() -> set.nodes().stream().allMatch(n -> n.up() && n.polled()));
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + platform.port() + "/api/v1/listings?limit=5")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).isEqualTo(200);
            }
            assertThat(platform.metrics().registry().get("db.reads").tag("node", "replica-1").counter().count()).isPositive();

            assertThat(Main.run("db", "replicas", "--data-dir", dataDir.toString())).isZero();
            assertThat(Main.run("db", "promote", "--replica", "1", "--data-dir", dataDir.toString())).isZero();

            await().atMost(Duration.ofSeconds(10)).until(() -> set.primary().name().equals("replica-1"));
            assertThat(set.nodes().getFirst().role()).isEqualTo(Node.Role.RETIRED);
            var created = platform.replication().listings()
                    .create(ListingDrafts.draft().listingId("PROMOTED-1").build(), "agent-1").toCompletableFuture().join();
            assertThat(platform.replication().listings().find(created.listingKey()).toCompletableFuture().join())
                    .contains(created);
        }
    }
}
