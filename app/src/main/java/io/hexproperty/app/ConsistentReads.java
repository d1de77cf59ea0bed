package io.hexproperty.app;

import io.hexproperty.database.replicas.ConsistencyToken;
import io.hexproperty.database.replicas.RoutedListingStore;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.http.ReadYourWrites;
import io.vertx.sqlclient.Pool;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Read-your-writes over the data layer in use. With replicas, token-carrying reads go to a replica
 * that has replayed the token, else the primary; without them, the primary has every commit, so
 * such reads only need to skip the caches.
 */
final class ConsistentReads implements ReadYourWrites {
    private static final String POSITION = "SELECT pg_current_wal_insert_lsn()::text";

    private final RoutedListingStore routed;
    private final Pool primary;
    private final ListingStore primaryStore;

    private ConsistentReads(RoutedListingStore routed, Pool primary, ListingStore primaryStore) {
        this.routed = routed;
        this.primary = primary;
        this.primaryStore = primaryStore;
    }

    static ConsistentReads replicated(RoutedListingStore routed) {
        return new ConsistentReads(routed, null, null);
    }

    static ConsistentReads primaryOnly(Pool primary, ListingStore store) {
        return new ConsistentReads(null, primary, store);
    }

    @Override
    public CompletionStage<String> tokenAfterWrite() {
        if (routed != null) {
            return routed.position().thenApply(ConsistencyToken::toString);
        }
        return primary.query(POSITION).execute().map(rows -> rows.iterator().next().getString(0)).toCompletionStage();
    }

    @Override
    public CompletionStage<Optional<Listing>> find(ListingKey key, String token) {
        ConsistencyToken parsed = ConsistencyToken.parse(token);
        return routed != null ? routed.find(key, Optional.of(parsed)) : primaryStore.find(key);
    }
}
