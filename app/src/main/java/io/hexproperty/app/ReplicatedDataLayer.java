package io.hexproperty.app;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.PgAgentStore;
import io.hexproperty.database.PgListingViews;
import io.hexproperty.database.Readiness;
import io.hexproperty.database.ops.slowqueries.SlowQuerySampler;
import io.hexproperty.database.sharding.ShardedChangeFeed;
import io.hexproperty.domain.port.out.InquiryStore;
import io.hexproperty.domain.port.out.ListingStore;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A primary with read replicas: the primary as in {@link SingleDataLayer} (change feed, agents,
 * inquiries, maintenance stay on it), listings routed through {@link Replication}. The routed store
 * reports every statement, replica reads included, to the primary's slow-query sampler.
 */
final class ReplicatedDataLayer implements DataLayer {
    private final SingleDataLayer primary;
    private final Replication replication;

    private ReplicatedDataLayer(SingleDataLayer primary, Replication replication) {
        this.primary = primary;
        this.replication = replication;
    }

    static ReplicatedDataLayer open(ServeConfig config, DataLayer.Environment env) {
        SingleDataLayer primary = SingleDataLayer.open(config, env);
        try {
            Replication replication = primary.add("replication", Replication.start(config.replication(),
                    primary.database(), config.poolSize(), env.vertx(), env.registry(), env.clock(), env.console(),
                    primary.slowQueries()));
            if (replication == null) {
                throw new IllegalArgumentException("the replicated data layer needs --replicas or --db-replica-url");
            }
            return new ReplicatedDataLayer(primary, replication);
        } catch (RuntimeException e) {
            SingleDataLayer.closeAfterFailure(primary, e);
            throw e;
        }
    }

    @Override
    public ListingStore listings() {
        return replication.listings();
    }

    @Override
    public Optional<Replication> replication() {
        return Optional.of(replication);
    }

    @Override
    public InquiryStore inquiries() {
        return primary.inquiries();
    }

    @Override
    public PgAgentStore agents() {
        return primary.agents();
    }

    @Override
    public PgListingViews views() {
        return primary.views();
    }

    @Override
    public Readiness readiness() {
        return primary.readiness();
    }

    @Override
    public List<DatabaseConfig> primaries() {
        return primary.primaries();
    }

    @Override
    public List<Pool> primaryPools() {
        return primary.primaryPools();
    }

    @Override
    public List<SlowQuerySampler> slowQuerySamplers() {
        return primary.slowQuerySamplers();
    }

    @Override
    public SlowQuerySampler slowQueries() {
        return primary.slowQueries();
    }

    @Override
    public Databases.Handle database() {
        return primary.database();
    }

    @Override
    public ShardedChangeFeed changeFeed(Duration pollInterval) {
        return primary.changeFeed(pollInterval);
    }

    /** The replicas first (their pools, then the embedded servers), then the primary. */
    @Override
    public void close() {
        primary.close();
    }
}
