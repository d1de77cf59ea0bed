package io.hexproperty.database.replicas;

import static io.hexproperty.testing.Stages.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.Migrations;
import io.hexproperty.database.embedded.EmbeddedDatabase;
import io.hexproperty.database.embedded.EmbeddedReplicas;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.testing.ListingDrafts;
import io.hexproperty.testing.ListingStoreContract;
import io.hexproperty.testing.lane.Postgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The listing store contract through the read/write split: writes on the primary, reads routed to a
 * streaming replica. The contract reads its own writes, which a replica only guarantees when a commit
 * waits for it to be applied, so the primary runs with synchronous_commit = remote_apply toward the
 * replica (a test setting; production keeps asynchronous replicas and uses consistency tokens).
 */
@Postgres
class RoutedListingStoreTest extends ListingStoreContract {
    private static EmbeddedDatabase primary;
    private static EmbeddedReplicas replicas;
    private static Vertx vertx;
    private static SimpleMeterRegistry registry;
    private static ReplicaSet set;
    private static RoutedListingStore store;

    @BeforeAll
    static void startTopology() throws Exception {
        Path dir = Files.createTempDirectory("hexproperty-routed-contract");
        primary = EmbeddedDatabase.start(dir, 0);
        Migrations.apply(primary.jdbcUrl(), primary.user(), primary.password());
        try (Connection c = DriverManager.getConnection(primary.jdbcUrl(), primary.user(), primary.password());
             Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM SET synchronous_standby_names = '*'");
            s.execute("ALTER ROLE " + primary.user() + " SET synchronous_commit = remote_apply");
            s.execute("SELECT pg_reload_conf()");
        }
        replicas = EmbeddedReplicas.start(primary, new EmbeddedReplicas.Config(1, Duration.ZERO));
        vertx = Vertx.vertx();
        registry = new SimpleMeterRegistry();
        set = ReplicaSet.start(vertx, DatabaseConfig.of(primary.url()).withPoolSize(4),
                replicas.replicas().stream().map(r -> DatabaseConfig.of(r.url()).withPoolSize(4)).toList(),
                ReplicaSet.Config.defaults(), registry);
        store = new RoutedListingStore(new Router(set, ReadStrategy.lagAware(Duration.ofSeconds(5)), registry),
                Clock.systemUTC());
        await().atMost(Duration.ofSeconds(30)).until(() -> set.nodes().stream().allMatch(n -> n.up() && n.polled()));
    }

    @AfterAll
    static void stopTopology() throws Exception {
        if (set != null) {
            set.close();
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        if (replicas != null) {
            replicas.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    @Override
    protected ListingStore store() {
        return store;
    }

    /** Without this the contract could pass on the primary alone. */
    @Test
    void readsAreServedByTheReplica() {
        double before = replicaReads();
        Listing created = await(store.create(ListingDrafts.draft().listingId("ROUTED-1").build(), "AGROUTED0001"));
        for (int i = 0; i < 5; i++) {
            assertThat(await(store.find(created.listingKey()))).contains(created);
        }
        assertThat(replicaReads() - before).isGreaterThanOrEqualTo(5);
    }

    private static double replicaReads() {
        return registry.find("db.reads").tag("node", "replica-1").counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
