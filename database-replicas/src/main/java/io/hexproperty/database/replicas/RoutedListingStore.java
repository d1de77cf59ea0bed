package io.hexproperty.database.replicas;

import io.hexproperty.database.PgListingStore;
import io.hexproperty.database.StatementObserver;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingDraft;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.port.out.ListingStore;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/**
 * The {@link ListingStore} over a {@link Router}: find and search on the router's read choice,
 * create, update and delete on the primary. The {@code ...Consistent} variants and the finds with
 * a token are for an HTTP layer that carries {@link ConsistencyToken#HEADER}; the plain port
 * methods give no read-your-writes guarantee across nodes beyond what replication lag allows.
 *
 * <p>Each call wraps the chosen node's pool in a {@link PgListingStore}, which holds nothing else,
 * so the SQL stays in one place for routed and unrouted use; each gets the same
 * {@link StatementObserver}, so slow-query capture sees replica reads as it sees primary ones.
 */
public final class RoutedListingStore implements ListingStore {
    private final Router router;
    private final Clock clock;
    private final StatementObserver observer;

    public RoutedListingStore(Router router, Clock clock) {
        this(router, clock, StatementObserver.NONE);
    }

    public RoutedListingStore(Router router, Clock clock, StatementObserver observer) {
        this.router = Objects.requireNonNull(router, "router");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    @Override
    public CompletionStage<Optional<Listing>> find(ListingKey key) {
        return find(key, Optional.empty());
    }

    /** Served by a node that has replayed past {@code token}, else by the primary. */
    public CompletionStage<Optional<Listing>> find(ListingKey key, Optional<ConsistencyToken> token) {
        return router.read(token, pool -> new PgListingStore(pool, clock, observer).find(key));
    }

    @Override
    public CompletionStage<SearchPage> search(SearchQuery query) {
        return search(query, Optional.empty());
    }

    public CompletionStage<SearchPage> search(SearchQuery query, Optional<ConsistencyToken> token) {
        return router.read(token, pool -> new PgListingStore(pool, clock, observer).search(query));
    }

    @Override
    public CompletionStage<Listing> create(ListingDraft draft, String agentKey) {
        return router.write(pool -> new PgListingStore(pool, clock, observer).create(draft, agentKey));
    }

    @Override
    public CompletionStage<Listing> update(ListingKey key, ListingPatch patch, OptionalLong expectedVersion, String agentKey) {
        return router.write(pool -> new PgListingStore(pool, clock, observer).update(key, patch, expectedVersion, agentKey));
    }

    @Override
    public CompletionStage<Boolean> delete(ListingKey key, String agentKey) {
        return router.write(pool -> new PgListingStore(pool, clock, observer).delete(key, agentKey));
    }

    public CompletionStage<Written<Listing>> createConsistent(ListingDraft draft, String agentKey) {
        return router.writeConsistent(pool -> new PgListingStore(pool, clock, observer).create(draft, agentKey));
    }

    public CompletionStage<Written<Listing>> updateConsistent(ListingKey key, ListingPatch patch, OptionalLong expectedVersion,
                                                              String agentKey) {
        return router.writeConsistent(pool -> new PgListingStore(pool, clock, observer).update(key, patch, expectedVersion, agentKey));
    }

    public CompletionStage<Written<Boolean>> deleteConsistent(ListingKey key, String agentKey) {
        return router.writeConsistent(pool -> new PgListingStore(pool, clock, observer).delete(key, agentKey));
    }

    /** The primary's WAL insert position now: a token at or after every write committed before the call. */
    public CompletionStage<ConsistencyToken> position() {
        return router.writeConsistent(pool -> java.util.concurrent.CompletableFuture.completedFuture(Boolean.TRUE))
                .thenApply(Written::token);
    }
}
