package io.hexproperty.app;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.DatabaseIdentity;
import io.hexproperty.database.PgAgentStore;
import io.hexproperty.database.PgChangeFeed;
import io.hexproperty.database.PgListingViews;
import io.hexproperty.database.Readiness;
import io.hexproperty.database.ops.slowqueries.SlowQueryConfig;
import io.hexproperty.database.ops.slowqueries.SlowQuerySampler;
import io.hexproperty.database.sharding.ShardedChangeFeed;
import io.hexproperty.domain.port.out.InquiryStore;
import io.hexproperty.domain.port.out.ListingStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The data topology of {@code serve} behind one interface: {@link #single one database},
 * {@link #replicated a primary with read replicas} ({@code --replicas N} / {@code --db-replica-url}) or
 * {@link #sharded N shards} ({@code --shards N}). The rest of the composition asks it for stores,
 * readiness, the change feed and the list of primaries, and never branches on the topology: whatever
 * runs "per database" (slow-query capture, maintenance, partition keeping, the change feed and the
 * warm-start watermark) runs per {@link #primaries() primary}, which is one database or each shard.
 * Replicas replay their primary, so they need no maintenance of their own; their reads are still
 * observed by the primary's slow-query sampler (the routed store reports to it).
 */
interface DataLayer extends AutoCloseable {

    /** What opening a data layer needs from the composition root. */
    record Environment(Vertx vertx, Clock clock, MeterRegistry registry, SlowQueryConfig slowQueries,
                       PrintStream console, Consumer<String> phase, java.time.Duration statementTimeout) {
        /** With the default statement timeout ({@code DatabaseConfig.DEFAULT_STATEMENT_TIMEOUT}). */
        public Environment(Vertx vertx, Clock clock, MeterRegistry registry, SlowQueryConfig slowQueries,
                           PrintStream console, Consumer<String> phase) {
            this(vertx, clock, registry, slowQueries, console, phase,
                    io.hexproperty.database.DatabaseConfig.DEFAULT_STATEMENT_TIMEOUT);
        }

        public Environment {
            Objects.requireNonNull(statementTimeout, "statementTimeout");
            Objects.requireNonNull(vertx, "vertx");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(slowQueries, "slowQueries");
            Objects.requireNonNull(console, "console");
            Objects.requireNonNull(phase, "phase");
        }
    }

    /** The topology {@code config} asks for: shards, else a primary with replicas, else one database. Blocking. */
    static DataLayer open(ServeConfig config, Environment env) {
        if (config.shards() > 1) {
            return sharded(config, env);
        }
        return config.replication().enabled() ? replicated(config, env) : single(config, env);
    }

    /** One database (embedded under the data directory, or {@code --db-url}), migrated and seeded on first start. */
    static DataLayer single(ServeConfig config, Environment env) {
        return SingleDataLayer.open(config, env);
    }

    /** One primary as in {@link #single}, listings read from its replicas and written to it. */
    static DataLayer replicated(ServeConfig config, Environment env) {
        return ReplicatedDataLayer.open(config, env);
    }

    /** {@code config.shards()} databases, listings by state. */
    static DataLayer sharded(ServeConfig config, Environment env) {
        return ShardedDataLayer.open(config, env);
    }

    /** Listings: reads and writes, routed to a replica or a shard where the topology has them. */
    ListingStore listings();

    InquiryStore inquiries();

    /** Agents live on the first primary (an agent is not tied to a shard). */
    PgAgentStore agents();

    /** Listing view counts (written behind), on the first primary. */
    PgListingViews views();

    /** Ready when every database a request may need answers. */
    Readiness readiness();

    /** Every primary: the one database, or each shard's, in shard order. */
    List<DatabaseConfig> primaries();

    /** A pool on each primary, in {@link #primaries()} order. */
    List<Pool> primaryPools();

    /** One slow-query sampler per primary, in {@link #primaries()} order; each observes its primary's stores. */
    List<SlowQuerySampler> slowQuerySamplers();

    /** All of this node's slow-query capture as one view ({@code /admin/db/slow}). */
    SlowQuerySampler slowQueries();

    /** The primary (shard 0 with shards): what tools and tests attach to. */
    Databases.Handle database();

    /** The read/write split, when this is the replicated topology. */
    default Optional<Replication> replication() {
        return Optional.empty();
    }

    /**
     * A new change feed with one outbox feed per primary ({@code ShardedChangeFeed} with one part when
     * there is one primary); sequences are only comparable within a primary. The caller closes it.
     */
    ShardedChangeFeed changeFeed(Duration pollInterval);

    /** The sequences each primary's outbox holds, in {@link #primaries()} order. */
    default CompletionStage<List<PgChangeFeed.Range>> outboxRanges() {
        return all(primaryPools().stream().map(PgChangeFeed::range).toList());
    }

    /**
     * Which databases these are: each primary's system identifier, in order (a warm-start snapshot is only
     * valid against the same ones).
     */
    default CompletionStage<List<String>> systemIdentifiers() {
        return all(primaryPools().stream().map(DatabaseIdentity::systemIdentifier).toList());
    }

    /** Stops what this layer started (replicas, pools, embedded servers), newest first. */
    @Override
    void close();

    private static <T> CompletionStage<List<T>> all(List<CompletionStage<T>> stages) {
        List<CompletableFuture<T>> futures = stages.stream().map(CompletionStage::toCompletableFuture).toList();
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(done -> futures.stream().map(CompletableFuture::join).toList());
    }
}
