package io.hexproperty.database.sharding;

import io.hexproperty.database.PgChangeFeed;
import io.hexproperty.database.PgListingStore;
import io.hexproperty.domain.port.out.ChangeFeed;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.testing.ChangeFeedContract;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.lane.Postgres;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The change feed contract for writes through the sharded store: a listing's changes reach the feed
 * of its state's shard, in that shard's own sequence (what {@link ShardedChangeFeed} runs one of per
 * shard). Texas is not on shard 0, so routing is exercised, not just the first database.
 */
@Postgres
class ShardChangeFeedTest extends ChangeFeedContract {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = ShardDatabases.EXTENSION;

    private final ShardMap map = ShardMap.byState(ShardDatabases.SHARDS);
    private final ShardedListingStore store = ShardedListingStore.of(map, ShardDatabases.pools().stream()
            .map(pool -> new PgListingStore(pool, Clock.systemUTC())).toList());

    @Override
    protected String state() {
        return "TX";
    }

    @Override
    protected ChangeFeed newFeed() {
        int home = map.shardOf(state());
        return new PgChangeFeed(ShardDatabases.vertx(), ShardDatabases.pools().get(home), ShardDatabases.configs().get(home),
                Duration.ofSeconds(1));
    }

    @Override
    protected ListingStore store() {
        return store;
    }
}
