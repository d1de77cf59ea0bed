package io.hexproperty.database.replicas;

import io.hexproperty.database.PgListingStore;
import io.hexproperty.domain.Committed;
import io.hexproperty.domain.DomainException;
import io.hexproperty.database.StatementObserver;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingDraft;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.domain.port.out.StoreUnavailableException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link ListingStore} over a {@link Router}: find and search on the router's read choice,
 * create, update and delete on the primary. The committed writes return their {@link ConsistencyToken}
 * with the write, and a find with a token is served by a node that has replayed it; a find with a
 * minimum version (what a cache already knows) that a replica answers with an older row is asked
 * again of the primary. The plain port methods give no read-your-writes guarantee across nodes beyond
 * what replication lag allows.
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
        this(router, clock, StatementObserver.none());
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

    /**
     * On the router's read choice; a replica that has not replayed {@code minimumVersion} (or does not
     * have the row yet) is followed by a read on the primary, as a consistency token would route it.
     */
    @Override
    public CompletionStage<Optional<Listing>> findAtLeast(ListingKey key, long minimumVersion) {
        return find(key).thenCompose(found -> reaches(found, minimumVersion) ? CompletableFuture.completedFuture(found)
                : router.readLatest(pool -> new PgListingStore(pool, clock, observer).find(key)).thenCompose(latest -> {
                    if (reaches(latest, minimumVersion) || latest.isEmpty()) {
                        return CompletableFuture.completedFuture(latest);
                    }
                    // only when the primary could not be read and the replica that answered is behind:
                    // an older version would move the reader back in time, so the store is unavailable
                    return CompletableFuture.failedFuture(new StoreUnavailableException("listing " + key
                            + ": the primary did not answer and the replica that did has version " + latest.get().version()
                            + ", below version " + minimumVersion + " already seen", null));
                }));
    }

    private static boolean reaches(Optional<Listing> found, long minimumVersion) {
        return minimumVersion < 0 || found.map(Listing::version).orElse(-1L) >= minimumVersion;
    }

    @Override
    public CompletionStage<Optional<Listing>> findAfter(ListingKey key, String token) {
        ConsistencyToken parsed;
        try {
            parsed = ConsistencyToken.parse(token);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new DomainException(Committed.TOKEN_HEADER, e.getMessage()));
        }
        return find(key, Optional.of(parsed));
    }

    @Override
    public CompletionStage<Committed<Listing>> createCommitted(ListingDraft draft, String agentKey) {
        return createConsistent(draft, agentKey).thenApply(RoutedListingStore::committed);
    }

    @Override
    public CompletionStage<Committed<Listing>> updateCommitted(ListingKey key, ListingPatch patch, OptionalLong expectedVersion,
                                                               String agentKey) {
        return updateConsistent(key, patch, expectedVersion, agentKey).thenApply(RoutedListingStore::committed);
    }

    @Override
    public CompletionStage<Committed<Boolean>> deleteCommitted(ListingKey key, String agentKey) {
        return deleteConsistent(key, agentKey).thenApply(RoutedListingStore::committed);
    }

    private static <T> Committed<T> committed(Written<T> written) {
        return new Committed<>(written.value(), Optional.of(written.token().toString()));
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
}
