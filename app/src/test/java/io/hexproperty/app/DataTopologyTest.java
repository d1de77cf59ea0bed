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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.time.Clock;
import io.hexproperty.database.PgListingStore;
import io.hexproperty.database.PgPools;
import io.hexproperty.database.embedded.EmbeddedDatabase;
import io.hexproperty.database.embedded.EmbeddedShards;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.Money;
import io.hexproperty.testing.Stages;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Slow-query capture, maintenance and warm start in each data topology of {@code serve}: one
 * database, {@code --replicas 1} (reads on the replica must still be captured) and {@code --shards 2}
 * (every shard captured and maintained, not shard 0 alone; a restarted node restores L1 with one
 * change-feed watermark per shard).
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

    /** Each test's node directory (its PostgreSQL and replicas), deleted once the class is done. */
    private static final java.util.List<Path> ROOTS = new java.util.concurrent.CopyOnWriteArrayList<>();

    @org.junit.jupiter.api.AfterAll
    static void deleteRoots() {
        ROOTS.forEach(io.hexproperty.testing.TempDirs::delete);
    }

    private static ServeConfig config(Topology topology, boolean cache) throws Exception {
        Path root = io.hexproperty.testing.TempDirs.create("hexproperty-topology");
        ROOTS.add(root);
        return new ServeConfig("127.0.0.1", 0, root.resolve("pg"), null, "postgres", "postgres", 300, 7,
                true, 2, 8, Duration.ofSeconds(2), root.resolve("demo-agent-token"), cache, null,
                ServeConfig.CacheConfig.defaults(), topology.shards, topology.replication);
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void slowQueryCaptureAndMaintenanceCoverEveryNode(Topology topology) throws Exception {
        // Cache off: every search reaches the stores, whose statements the sampler must observe.
        ServeConfig config = config(topology, false);
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

    @ParameterizedTest
    @EnumSource(Topology.class)
    void aRestartedNodeServesTheListingsItHadCachedWithoutLoadingThem(Topology topology) throws Exception {
        ServeConfig config = config(topology, true);
        List<String> keys = new java.util.ArrayList<>();
        try (Platform first = new Platform(config, new PrintStream(System.out, true)).start();
             HttpClient http = HttpClient.newHttpClient()) {
            // Listings of several states: with shards, both shards' listings are cached and saved.
            for (String state : List.of("CA", "TX", "NY", "FL", "WA", "MA")) {
                HttpResponse<String> page = get(http, first, "/api/v1/listings?state=" + state + "&limit=2");
                assertThat(page.statusCode()).isEqualTo(200);
                new io.vertx.core.json.JsonObject(page.body()).getJsonArray("items")
                        .forEach(item -> keys.add(((io.vertx.core.json.JsonObject) item).getString("ListingKey")));
            }
            assertThat(keys).hasSizeGreaterThanOrEqualTo(6);
            for (String key : keys) {
                assertThat(get(http, first, "/api/v1/listings/" + key).statusCode()).isEqualTo(200);
            }
            assertThat(loads(first)).isEqualTo(keys.size());
        }
        // One position per primary: each shard's outbox has its own sequence.
        String watermark = Files.readString(config.cacheRoot().resolve("listings").resolve("watermark")).strip();
        assertThat(watermark).matches("watermark=\\d+(,\\d+){" + (topology.shards - 1) + "}");
        // While the node is down, one cached listing on every primary changes: the restarted node must
        // replay each primary's outbox from its own saved position and drop exactly those entries.
        Map<String, Long> changed = changeOneListingPerPrimary(config, topology, keys);
        assertThat(changed).hasSize(topology.shards);

        try (Platform second = new Platform(config, new PrintStream(System.out, true)).start();
             HttpClient http = HttpClient.newHttpClient()) {
            for (String key : keys) {
                HttpResponse<String> detail = get(http, second, "/api/v1/listings/" + key);
                assertThat(detail.statusCode()).isEqualTo(200);
                if (changed.containsKey(key)) {
                    assertThat(new io.vertx.core.json.JsonObject(detail.body()).getLong("version"))
                            .as("the change made while %s was down", key).isEqualTo(changed.get(key));
                }
            }
            assertThat(loads(second)).as("database loads after the restart: only the listings changed meanwhile")
                    .isEqualTo(changed.size());
        }
    }

    /** Starts the node's databases alone and updates the first of {@code keys} found on each primary. */
    private static Map<String, Long> changeOneListingPerPrimary(ServeConfig config, Topology topology, List<String> keys)
            throws Exception {
        List<String> urls;
        AutoCloseable servers;
        if (topology.shards > 1) {
            EmbeddedShards shards = EmbeddedShards.start(config.dataDir(), topology.shards, db -> { });
            urls = shards.urls();
            servers = shards;
        } else {
            EmbeddedDatabase db = EmbeddedDatabase.start(config.dataDir(), 0);
            urls = List.of(db.url());
            servers = db;
        }
        Map<String, Long> changed = new java.util.LinkedHashMap<>();
        Vertx vertx = Vertx.vertx();
        try (servers) {
            for (String url : urls) {
                Pool pool = PgPools.create(vertx, DatabaseConfig.of(url));
                PgListingStore store = new PgListingStore(pool, Clock.systemUTC());
                for (String key : keys) {
                    var found = Stages.join(store.find(ListingKey.of(key)));
                    if (found.isPresent()) {
                        Listing updated = Stages.join(store.update(ListingKey.of(key), new ListingPatch(null,
                                Money.usd(found.get().listPrice().dollars() + 1_000), null, null, null, null,
                                null, null), OptionalLong.of(found.get().version()),
                                java.util.Objects.requireNonNullElse(found.get().agentKey(), "AGTOPOLOGY01")));
                        changed.put(key, updated.version());
                        break;
                    }
                }
                pool.close().await(10, TimeUnit.SECONDS);
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        return changed;
    }

    private static HttpResponse<String> get(HttpClient http, Platform platform, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double loads(Platform platform) {
        return platform.metrics().registry().find("cache.loads").tag("cache", "listings").tag("tier", "memory").counters()
                .stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }
}
