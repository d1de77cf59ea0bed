package io.hexproperty.app;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.embedded.DatabaseStartException;
import io.hexproperty.database.MigrationException;
import io.hexproperty.database.Migrations;
import io.hexproperty.database.PgInquiryStore;
import io.hexproperty.database.PgListingStore;
import io.hexproperty.database.PgPools;
import io.hexproperty.database.Readiness;
import io.hexproperty.seed.SeedConfig;
import io.hexproperty.seed.SeedProgress;
import io.hexproperty.database.embedded.EmbeddedShards;
import io.hexproperty.database.sharding.ShardMap;
import io.hexproperty.seed.ShardSeeder;
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
 * {@code serve --shards N}: N PostgreSQL databases (embedded servers under
 * {@code <data-dir>/shard-<i>}, or the external URLs of {@code --db-url} in shard order), each with
 * the normal schema, migrated and seeded with its states' part of the listings, one pool per
 * shard, and the routing stores over them. Listings and their inquiries live on the shard of the
 * listing's state; agents (and the demo agent) live on shard 0, because an agent is not tied to a
 * state and agent lookups are by token hash, one row.
 */
final class ShardSet implements AutoCloseable {
    private final AutoCloseable servers;
    private final List<DatabaseConfig> configs;
    private final List<Pool> pools;
    private final ShardedListingStore listings;
    private final ShardedInquiryStore inquiries;

    private ShardSet(AutoCloseable servers, List<DatabaseConfig> configs, List<Pool> pools, ShardedListingStore listings,
                     ShardedInquiryStore inquiries) {
        this.servers = servers;
        this.configs = configs;
        this.pools = pools;
        this.listings = listings;
        this.inquiries = inquiries;
    }

    static ShardSet open(ServeConfig config, Vertx vertx, PrintStream console, Consumer<String> phase, Clock clock) {
        return open(config, vertx, console, phase, clock, shard -> io.hexproperty.database.StatementObserver.none());
    }

    /** {@code observers} gives each shard's stores their statement observer (its slow-query sampler). */
    static ShardSet open(ServeConfig config, Vertx vertx, PrintStream console, Consumer<String> phase, Clock clock,
                         java.util.function.Function<DatabaseConfig, io.hexproperty.database.StatementObserver> observers) {
        ShardMap map = ShardMap.byState(config.shards());
        List<DatabaseConfig> configs;
        AutoCloseable servers;
        if (config.externalDatabase()) {
            console.println("hexproperty: " + config.shards() + " external PostgreSQL shards, listings by state:");
            console.print(map.describe());
            phase.accept("migrating " + config.shards() + " shards");
            configs = external(config);
            servers = () -> { };
        } else {
            console.println("hexproperty: starting " + config.shards() + " embedded PostgreSQL shards (data in "
                    + config.dataDir().toAbsolutePath().normalize() + "/shard-<i>), listings by state:");
            console.print(map.describe());
            phase.accept("starting and migrating " + config.shards() + " shards");
            try {
                EmbeddedShards embedded = EmbeddedShards.start(config.dataDir(), config.shards(),
                        db -> Migrations.apply(db.jdbcUrl(), db.user(), db.password()));
                configs = embedded.urls().stream().map(DatabaseConfig::of).toList();
                servers = embedded;
            } catch (DatabaseStartException | MigrationException e) {
                throw new StartupException(e.getMessage());
            }
        }
        try {
            if (config.seedOnFirstStart() && config.listings() > 0) {
                phase.accept("seeding empty shards");
                List<?> seeded = new ShardSeeder(map, configs, SeedConfig.defaults())
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
            for (DatabaseConfig shard : configs) {
                Pool pool = PgPools.create(vertx, shard.withPoolSize(config.poolSize()));
                pools.add(pool);
                stores.add(new PgListingStore(pool, clock, observers.apply(shard)));
                inquiryStores.add(new PgInquiryStore(pool));
            }
            ShardedListingStore listings = ShardedListingStore.of(map, stores);
            return new ShardSet(servers, configs, List.copyOf(pools), listings, ShardedInquiryStore.of(listings, inquiryStores));
        } catch (RuntimeException e) {
            closeQuietly(servers);
            throw e;
        }
    }

    /** The --db-url list: one reachable, migrated database per shard. */
    private static List<DatabaseConfig> external(ServeConfig config) {
        List<DatabaseConfig> configs = new ArrayList<>();
        List<String> urls = config.shardUrls();
        for (int i = 0; i < urls.size(); i++) {
            DatabaseConfig shard;
            try {
                shard = DatabaseConfig.of(urls.get(i));
            } catch (IllegalArgumentException e) {
                throw new StartupException("--db-url of shard " + i + " is not usable: " + e.getMessage());
            }
            if (!urls.get(i).contains("@") && !urls.get(i).contains("user=")) {
                shard = shard.withCredentials(config.dbUser(), config.dbPassword());
            }
            try {
                Migrations.apply(shard);
            } catch (RuntimeException e) {
                throw new StartupException("cannot migrate shard " + i + " at " + shard.redactedUrl() + ": "
                        + Errors.oneLine(e));
            }
            configs.add(shard);
        }
        return List.copyOf(configs);
    }

    private static void closeQuietly(AutoCloseable servers) {
        try {
            servers.close();
        } catch (Exception e) {
            System.err.println("hexproperty: shards did not stop cleanly: " + Errors.oneLine(e));
        }
    }

    ListingStore listings() {
        return listings;
    }

    InquiryStore inquiries() {
        return inquiries;
    }

    /** Every shard's pool, in shard order. */
    List<Pool> pools() {
        return pools;
    }

    /** Shard 0: agents and the demo agent. */
    Pool firstPool() {
        return pools.getFirst();
    }

    /** Every shard's database, in shard order. */
    List<DatabaseConfig> configs() {
        return configs;
    }

    DatabaseConfig firstConfig() {
        return configs.getFirst();
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
        return ShardedChangeFeed.postgres(vertx, pools, configs, pollInterval);
    }

    /** Stops the embedded servers (external ones keep running); the pools close with Vert.x. */
    @Override
    public void close() {
        closeQuietly(servers);
    }
}
