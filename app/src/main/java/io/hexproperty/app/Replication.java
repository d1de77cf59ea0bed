package io.hexproperty.app;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.embedded.DatabaseStartException;
import io.hexproperty.database.embedded.EmbeddedDatabase;
import io.hexproperty.database.embedded.EmbeddedReplicas;
import io.hexproperty.database.replicas.ReadStrategy;
import io.hexproperty.database.replicas.ReplicaSet;
import io.hexproperty.database.replicas.RoutedListingStore;
import io.hexproperty.database.replicas.Router;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The read/write split of {@code serve}: embedded replicas started after the primary (or external
 * ones by URL), a {@link ReplicaSet} with a pool per node, and listings routed through it. The
 * change feed and the other stores stay on the primary's own pool.
 */
final class Replication implements AutoCloseable {
    /**
     * {@code replicas} embedded ones, or {@code urls} external ones; reads skip a replica lagging more than
     * {@code maxLag}. {@code applyDelay} holds back replay on embedded replicas (recovery_min_apply_delay):
     * injected lag, for tests and demonstrations of read routing under lag; zero in production.
     */
    record Config(int replicas, List<String> urls, Duration maxLag, Duration applyDelay) {
        Config(int replicas, List<String> urls, Duration maxLag) {
            this(replicas, urls, maxLag, Duration.ZERO);
        }

        Config {
            Objects.requireNonNull(applyDelay, "applyDelay");
            urls = List.copyOf(urls);
            if (replicas < 0 || replicas > 8) {
                throw new IllegalArgumentException("--replicas must be between 0 and 8, got " + replicas);
            }
            Objects.requireNonNull(maxLag, "maxLag");
            if (maxLag.isNegative()) {
                throw new IllegalArgumentException("--max-replica-lag must be >= 0, got " + maxLag);
            }
        }

        static Config none() {
            return new Config(0, List.of(), Duration.ofSeconds(1));
        }

        boolean enabled() {
            return replicas > 0 || !urls.isEmpty();
        }
    }

    private final EmbeddedReplicas embedded;
    private final ReplicaSet set;
    private final RoutedListingStore listings;

    private Replication(EmbeddedReplicas embedded, ReplicaSet set, RoutedListingStore listings) {
        this.embedded = embedded;
        this.set = set;
        this.listings = listings;
    }

    /** Null when no replica is configured. Blocking (starts servers). */
    static Replication start(Config config, Databases.Handle primary, int poolSize, Vertx vertx, MeterRegistry registry,
                             Clock clock, PrintStream console, io.hexproperty.database.StatementObserver observer) {
        if (!config.enabled()) {
            return null;
        }
        EmbeddedReplicas embedded = null;
        List<DatabaseConfig> replicas = new ArrayList<>();
        if (config.replicas() > 0) {
            if (!(primary.owned() instanceof EmbeddedDatabase db)) {
                throw new StartupException("--replicas starts replicas of the embedded database; with --db-url name"
                        + " existing replicas with --db-replica-url");
            }
            console.println("hexproperty: starting " + config.replicas() + " streaming replica(s) of the embedded PostgreSQL");
            try {
                embedded = EmbeddedReplicas.start(db, new EmbeddedReplicas.Config(config.replicas(), config.applyDelay()));
            } catch (DatabaseStartException e) {
                throw new StartupException(e.getMessage());
            }
            embedded.replicas().forEach(r -> replicas.add(DatabaseConfig.of(r.url()).withPoolSize(poolSize)));
        }
        for (String url : config.urls()) {
            try {
                DatabaseConfig replica = DatabaseConfig.of(url.strip());
                if (!url.contains("@") && !url.contains("user=")) {
                    replica = replica.withCredentials(primary.user(), primary.password());
                }
                replicas.add(replica.withPoolSize(poolSize));
            } catch (IllegalArgumentException e) {
                throw new StartupException("--db-replica-url is not usable: " + e.getMessage());
            }
        }
        // The primary already has serve's own pool (change feed, agents, inquiries); listing writes
        // get half as many again, which keeps both within the embedded server's max_connections.
        ReplicaSet set = ReplicaSet.start(vertx, primary.config().withPoolSize(Math.max(2, poolSize / 2)), replicas,
                ReplicaSet.Config.defaults(), registry);
        Router router = new Router(set, ReadStrategy.lagAware(config.maxLag()), registry);
        return new Replication(embedded, set, new RoutedListingStore(router, clock, observer));
    }

    RoutedListingStore listings() {
        return listings;
    }

    ReplicaSet replicaSet() {
        return set;
    }

    /** Closes the pools, then stops the embedded replicas (before the primary stops). */
    @Override
    public void close() {
        set.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
