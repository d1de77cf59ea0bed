package io.hexproperty.database.replicas;

import static io.hexproperty.testing.Stages.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.embedded.EmbeddedDatabase;
import io.hexproperty.database.embedded.EmbeddedReplicas;
import io.hexproperty.database.Migrations;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.Money;
import io.hexproperty.domain.port.out.StoreUnavailableException;
import io.hexproperty.testing.ListingDrafts;
import static io.hexproperty.testing.Signals.signalTree;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One primary and two streaming replicas with 500 ms of injected apply delay, put through one
 * failure each: read-your-writes under lag, a replica's postmaster hung (SIGSTOP) and resumed, the
 * whole replica hung and resumed, a replica killed, the primary hung and resumed, the primary
 * killed, a replica promoted. Every test gets a topology of its own, so none depends on another's
 * damage or on the order they run in.
 */
@Postgres
class ReplicationFailoverTest {
    private static final String AGENT = "agent-ryw";
    private static final Duration APPLY_DELAY = Duration.ofMillis(500);

    private Path dir;
    private EmbeddedDatabase primary;
    private EmbeddedReplicas replicas;
    private Vertx vertx;
    private SimpleMeterRegistry registry;
    private ReplicaSet set;
    private Router router;
    private RoutedListingStore store;
    private final List<ListingKey> keys = new ArrayList<>();

    @BeforeEach
    void startTopology() throws Exception {
        dir = io.hexproperty.testing.TempDirs.create("hexproperty-replicas");
        primary = EmbeddedDatabase.start(dir, 0);
        Migrations.apply(primary.jdbcUrl(), primary.user(), primary.password());
        replicas = EmbeddedReplicas.start(primary, new EmbeddedReplicas.Config(2, APPLY_DELAY));
        vertx = Vertx.vertx();
        registry = new SimpleMeterRegistry();
        set = ReplicaSet.start(vertx, config(primary), replicas.replicas().stream().map(ReplicationFailoverTest::config).toList(),
                ReplicaSet.Config.defaults(), registry);
        router = new Router(set, ReadStrategy.lagAware(Duration.ofSeconds(5)), registry);
        store = new RoutedListingStore(router, Clock.systemUTC());
        await().atMost(Duration.ofSeconds(20)).until(() -> set.nodes().stream().allMatch(n -> n.up() && n.polled()));
        for (int i = 0; i < 5; i++) {
            keys.add(join(store.create(ListingDrafts.draft().listingId("RYW-" + i).build(), AGENT)).listingKey());
        }
        // The failure tests read these keys from the replicas: wait out the injected apply delay first.
        for (EmbeddedDatabase replica : replicas.replicas()) {
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
                try (var c = java.sql.DriverManager.getConnection(replica.jdbcUrl(), replica.user(), replica.password());
                     var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM listings")) {
                    rs.next();
                    return rs.getLong(1) >= keys.size();
                }
            });
        }
    }

    @AfterEach
    void stopTopology() throws Exception {
        if (set != null) {
            set.close();
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        for (EmbeddedDatabase replica : replicas.replicas()) {
            signalTree(replica.postgresPid(), "CONT");
        }
        replicas.close();
        primary.close();
        io.hexproperty.testing.TempDirs.delete(dir);
    }

    @Test
    void readsWithTheirWritesTokenAreNeverStaleWhileMostReadsGoToReplicas() {
        int staleWithToken = 0;
        int staleWithoutToken = 0;
        for (int round = 0; round < 60; round++) {
            ListingKey key = keys.get(round % keys.size());
            Written<Listing> written = join(store.updateConsistent(key,
                    new ListingPatch(null, Money.usd(300_000 + round), null, null, null, null, null, null), OptionalLong.empty(), AGENT));
            long version = written.value().version();
            if (join(store.find(key, Optional.of(written.token()))).map(Listing::version).orElse(0L) < version) {
                staleWithToken++;
            }
            if (join(store.find(key)).map(Listing::version).orElse(0L) < version) {
                staleWithoutToken++;
            }
            for (ListingKey other : keys) {
                join(store.find(other));
            }
        }
        assertThat(staleWithToken).as("stale reads despite a consistency token").isZero();
        assertThat(staleWithoutToken).as("the injected lag is real: reads without a token do see old versions").isPositive();
        double replicaReads = reads("replica-1") + reads("replica-2");
        double all = replicaReads + reads("primary");
        assertThat(replicaReads / all).as("share of reads served by replicas").isGreaterThan(0.5);
        assertThat(reads("replica-1")).isPositive();
        assertThat(reads("replica-2")).isPositive();
    }

    @Test
    void aReplicaWhosePostmasterAloneHangsIsEjected() {
        // Its backends still answer on pooled connections; only a new connection notices.
        Node hung = node("replica-1");
        long postmaster = replicas.replicas().get(0).postgresPid();
        signalTree(postmaster, "STOP", false);
        try {
            readContinuouslyUntil(() -> !hung.up());
        } finally {
            signalTree(postmaster, "CONT", false);
        }
        await().atMost(Duration.ofSeconds(20)).until(hung::up);
    }

    @Test
    void aHungReplicaIsEjectedAndReadsContinueWithoutErrors() {
        Node hung = node("replica-1");
        signalTree(replicas.replicas().get(0).postgresPid(), "STOP");
        try {
            readContinuouslyUntil(() -> !hung.up());
            assertThat(hung.downReason()).containsAnyOf("timed out", "not answered", "took");
            readContinuouslyUntil(() -> reads("replica-2") > 0 && !hung.up());
        } finally {
            signalTree(replicas.replicas().get(0).postgresPid(), "CONT");
        }
        await().atMost(Duration.ofSeconds(20)).until(hung::up);
    }

    @Test
    void aKilledReplicaIsEjectedAndReadsContinueWithoutErrors() {
        Node killed = node("replica-2");
        signalTree(replicas.replicas().get(1).postgresPid(), "KILL");
        readContinuouslyUntil(() -> !killed.up());
        double before = reads("replica-1");
        readContinuouslyUntil(() -> reads("replica-1") > before + 20);
        assertThat(killed.up()).isFalse();
    }

    @Test
    void aHungPrimaryRefusesWritesOnceItHasMissedThreeDeadlinesAndTakesThemAgainWhenResumed() {
        Node hung = set.primary();
        signalTree(primary.postgresPid(), "STOP");
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !hung.up());
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                    assertThatThrownBy(() -> join(store.create(ListingDrafts.draft().listingId("HUNG").build(), AGENT)))
                            .isInstanceOf(StoreUnavailableException.class)
                            .hasMessageContaining("is down for").hasMessageContaining("timed out"));
            for (ListingKey key : keys) {
                assertThat(join(store.find(key))).isPresent();
            }
        } finally {
            signalTree(primary.postgresPid(), "CONT");
        }
        await().atMost(Duration.ofSeconds(20)).until(hung::up);
        assertThat(join(store.create(ListingDrafts.draft().listingId("RESUMED").build(), AGENT)).version()).isEqualTo(1);
    }

    @Test
    void withThePrimaryLostWritesFailFastAndReadsContinue() {
        Node lost = set.primary();
        signalTree(primary.postgresPid(), "KILL");
        await().atMost(Duration.ofSeconds(10)).until(() -> !lost.up());

        assertThatThrownBy(() -> join(store.create(ListingDrafts.draft().listingId("LOST").build(), AGENT)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("primary primary (127.0.0.1:" + primary.port() + ") is down");
        double before = reads("replica-1") + reads("replica-2");
        for (int i = 0; i < 50; i++) {
            assertThat(join(store.find(keys.get(i % keys.size())))).isPresent();
        }
        assertThat(reads("replica-1") + reads("replica-2")).as("every read served by a replica").isEqualTo(before + 50);
    }

    @Test
    void aPromotedReplicaTakesTheWritesWithoutARestart() {
        Node replica = node("replica-1");
        Node promoted = join(set.promote(replica));

        assertThat(set.primary()).isSameAs(promoted);
        assertThat(promoted.role()).isEqualTo(Node.Role.PRIMARY);
        assertThat(node("primary").role()).isEqualTo(Node.Role.RETIRED);
        Written<Listing> created = join(store.createConsistent(ListingDrafts.draft().listingId("AFTER-PROMOTE").build(), AGENT));
        assertThat(join(store.find(created.value().listingKey(), Optional.of(created.token())))).contains(created.value());
    }

    private void readContinuouslyUntil(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(15)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
            for (ListingKey key : keys) {
                assertThat(join(store.find(key))).isPresent();
            }
            return condition.call();
        });
    }

    private Node node(String name) {
        return set.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    private double reads(String node) {
        var counter = registry.find("db.reads").tag("node", node).counter();
        return counter == null ? 0 : counter.count();
    }

    private static DatabaseConfig config(EmbeddedDatabase db) {
        return DatabaseConfig.of(db.url()).withPoolSize(4);
    }

    /** The postmaster and its children (backends, walreceiver, startup): the whole server hangs or dies. */
}
