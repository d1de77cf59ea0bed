package io.hexproperty.app;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.DatabaseStartException;
import io.hexproperty.database.PgInquiryStore;
import io.hexproperty.database.PgListingStore;
import io.hexproperty.database.PgPools;
import io.hexproperty.database.Readiness;
import io.hexproperty.database.seed.SeedOptions;
import io.hexproperty.database.seed.SeedProgress;
import io.hexproperty.database.sharding.EmbeddedShards;
import io.hexproperty.database.sharding.ShardMap;
import io.hexproperty.database.sharding.ShardSeeder;
import io.hexproperty.database.sharding.ShardedChangeFeed;
import io.hexproperty.database.sharding.ShardedInquiryStore;
import io.hexproperty.database.sharding.ShardedListingStore;
import io.hexproperty.domain.port.out.InquiryStore;
import io.hexproperty.domain.port.out.ListingStore;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@code serve --shards N}: N embedded PostgreSQL servers under {@code <data-dir>/shard-<i>}, each
 * with the normal schema, migrated and seeded with its states' part of the listings, one pool per
 * shard, and the routing stores over them. Listings and their inquiries live on the shard of the
 * listing's state; agents (and the demo agent) live on shard 0, because an agent is not tied to a
 * state and agent lookups are by token hash, one row.
 */
final class ShardSet implements AutoCloseable {
    private final EmbeddedShards servers;
    private final List<Pool> pools;
    private final ShardedListingStore listings;
    private final ShardedInquiryStore inquiries;

    private ShardSet(EmbeddedShards servers, List<Pool> pools, ShardedListingStore listings, ShardedInquiryStore inquiries) {
        this.servers = servers;
        this.pools = pools;
        this.listings = listings;
        this.inquiries = inquiries;
    }

    static ShardSet open(ServeConfig config, Vertx vertx, PrintStream console, Consumer<String> phase, Clock clock) {
        ShardMap map = ShardMap.byState(config.shards());
        console.println("hexproperty: starting " + config.shards() + " embedded PostgreSQL shards (data in "
                + config.dataDir().toAbsolutePath().normalize() + "/shard-<i>), listings by state:");
        console.print(map.describe());
        phase.accept("starting and migrating " + config.shards() + " shards");
        EmbeddedShards servers;
        try {
            servers = EmbeddedShards.start(config.dataDir(), config.shards());
        } catch (DatabaseStartException e) {
            throw new StartupException(e.getMessage());
        }
        try {
            if (config.seedOnFirstStart() && config.listings() > 0) {
                phase.accept("seeding empty shards");
                List<?> seeded = new ShardSeeder(map, servers.configs(), SeedOptions.defaults())
                        .seedEmpty(config.listings(), config.seed(), console == System.out ? SeedProgress.console()
                                : SeedProgress.console(console, false, System::nanoTime));
                if (!seeded.isEmpty()) {
                    console.println("hexproperty: seeded " + seeded.size() + " empty shard(s) with their part of "
                            + config.listings() + " listings (seed " + config.seed() + ")");
                }
            }
            List<Pool> pools = new ArrayList<>();
            List<PgListingStore> stores = new ArrayList<>();
            List<PgInquiryStore> inquiryStores = new ArrayList<>();
            for (DatabaseConfig shard : servers.configs()) {
                Pool pool = PgPools.create(vertx, shard.withPoolSize(config.poolSize()));
                pools.add(pool);
                stores.add(new PgListingStore(pool, clock));
                inquiryStores.add(new PgInquiryStore(pool));
            }
            ShardedListingStore listings = ShardedListingStore.of(map, stores);
            return new ShardSet(servers, List.copyOf(pools), listings, ShardedInquiryStore.of(listings, inquiryStores));
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        }
    }

    ListingStore listings() {
        return listings;
    }

    InquiryStore inquiries() {
        return inquiries;
    }

    /** Shard 0: agents and the demo agent. */
    Pool firstPool() {
        return pools.getFirst();
    }

    DatabaseConfig firstConfig() {
        return servers.configs().getFirst();
    }

    /** Ready when every shard answers: a search may need any of them. */
    Readiness readiness(Duration timeout) {
        List<Readiness> each = pools.stream().map(pool -> Readiness.postgres(pool, timeout)).toList();
        return () -> {
            List<CompletableFuture<Readiness.Status>> checks = each.stream()
                    .map(r -> r.check().toCompletableFuture()).toList();
            return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).thenApply(done -> {
                for (int i = 0; i < checks.size(); i++) {
                    Readiness.Status status = checks.get(i).join();
                    if (!status.ready()) {
                        return new Readiness.Status(false, "shard " + i + ": " + status.detail());
                    }
                }
                return new Readiness.Status(true, "all " + checks.size() + " PostgreSQL shards answered");
            });
        };
    }

    ShardedChangeFeed changeFeed(Vertx vertx, Duration pollInterval) {
        return ShardedChangeFeed.postgres(vertx, pools, servers.configs(), pollInterval);
    }

    /** Stops the servers; the pools close with Vert.x. */
    @Override
    public void close() {
        servers.close();
    }
}
