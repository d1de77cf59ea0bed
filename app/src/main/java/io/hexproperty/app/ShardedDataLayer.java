package io.hexproperty.app;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.PgAgentStore;
import io.hexproperty.database.PgListingViews;
import io.hexproperty.database.Readiness;
import io.hexproperty.database.ops.slowqueries.SlowQuerySampler;
import io.hexproperty.database.sharding.ShardedChangeFeed;
import io.hexproperty.domain.port.out.InquiryStore;
import io.hexproperty.domain.port.out.ListingStore;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code --shards N}: the {@link ShardSet} (N databases, listings by state), with one slow-query
 * sampler per shard as the observer of that shard's stores, so capture covers every shard and
 * {@code /admin/db/slow} shows them merged. Agents and view counts live on shard 0.
 */
final class ShardedDataLayer implements DataLayer {
    private final Closer closer;
    private final Vertx vertx;
    private final ShardSet shards;
    private final List<SlowQuerySampler> samplers;
    private final SlowQuerySampler merged;
    private final Databases.Handle database;
    private final PgAgentStore agents;
    private final PgListingViews views;
    private final Readiness readiness;

    private ShardedDataLayer(Closer closer, Vertx vertx, ShardSet shards, List<SlowQuerySampler> samplers,
                             SlowQuerySampler merged) {
        this.closer = closer;
        this.vertx = vertx;
        this.shards = shards;
        this.samplers = samplers;
        this.merged = merged;
        this.database = new Databases.Handle(shards.firstConfig(), null);
        this.agents = new PgAgentStore(shards.firstPool());
        this.views = new PgListingViews(shards.firstPool());
        this.readiness = shards.readiness(Duration.ofSeconds(2));
    }

    static ShardedDataLayer open(ServeConfig config, DataLayer.Environment env) {
        Closer closer = new Closer();
        try {
            List<SlowQuerySampler> samplers = new ArrayList<>();
            ShardSet shards;
            try {
                shards = closer.add("shards", ShardSet.open(config, env.vertx(), env.console(), env.phase(), env.clock(),
                        shard -> {
                            SlowQuerySampler sampler = SlowQuerySampler.create(shard, env.slowQueries(), env.clock(),
                                    env.registry());
                            samplers.add(sampler);
                            return sampler;
                        }));
            } finally {
                // Registered after the shards so they close before them; on a failed open, closed here.
                samplers.forEach(sampler -> closer.add("slow-query capture", sampler));
            }
            for (Pool pool : shards.pools()) {
                closer.add("shard pool", () -> pool.close().await(5, TimeUnit.SECONDS));
            }
            return new ShardedDataLayer(closer, env.vertx(), shards, List.copyOf(samplers),
                    SlowQuerySampler.merged(List.copyOf(samplers), env.slowQueries()));
        } catch (RuntimeException e) {
            SingleDataLayer.closeAfterFailure(closer, e);
            throw e;
        }
    }

    @Override
    public ListingStore listings() {
        return shards.listings();
    }

    @Override
    public InquiryStore inquiries() {
        return shards.inquiries();
    }

    @Override
    public PgAgentStore agents() {
        return agents;
    }

    @Override
    public PgListingViews views() {
        return views;
    }

    @Override
    public Readiness readiness() {
        return readiness;
    }

    @Override
    public List<DatabaseConfig> primaries() {
        return shards.configs();
    }

    @Override
    public List<Pool> primaryPools() {
        return shards.pools();
    }

    @Override
    public List<SlowQuerySampler> slowQuerySamplers() {
        return samplers;
    }

    @Override
    public SlowQuerySampler slowQueries() {
        return merged;
    }

    /** Shard 0; its servers are closed by this layer, not by the handle. */
    @Override
    public Databases.Handle database() {
        return database;
    }

    @Override
    public ShardedChangeFeed changeFeed(Duration pollInterval) {
        return shards.changeFeed(vertx, pollInterval);
    }

    /** Samplers, then the pools, then the embedded servers. */
    @Override
    public void close() {
        closer.close();
    }
}
