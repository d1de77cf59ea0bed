package io.hexproperty.domain.port.out;

import io.hexproperty.domain.Committed;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingDraft;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.domain.SearchQuery;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/**
 * Where listings live. Asynchronous so that the reactive PostgreSQL adapter never blocks an event
 * loop. Failures complete the stage exceptionally with the domain exceptions
 * ({@code ListingNotFoundException}, {@code VersionConflictException}, {@code NotOwnerException},
 * {@code DomainException}) or a {@link StoreUnavailableException}; no driver exception crosses
 * this port. Every write also records a {@code ListingChange} in the same transaction.
 */
public interface ListingStore {

    CompletionStage<Optional<Listing>> find(ListingKey key);

    /** Results in the query's sort order, ties broken by ListingKey ascending, starting after the cursor. */
    CompletionStage<SearchPage> search(SearchQuery query);

    CompletionStage<Listing> create(ListingDraft draft, String agentKey);

    /** Applies the patch; if {@code expectedVersion} is present and not current, fails with a version conflict. */
    CompletionStage<Listing> update(ListingKey key, ListingPatch patch, OptionalLong expectedVersion, String agentKey);

    /** Deletes the listing; completes with false when there was none. */
    CompletionStage<Boolean> delete(ListingKey key, String agentKey);

    /**
     * The listing at {@code minimumVersion} or later when it exists (-1: no floor). A store that reads from
     * copies that can lag (replicas) must answer from one that has that version, the primary at worst: a
     * caller that already knows of a version must never be handed an older one.
     */
    default CompletionStage<Optional<Listing>> findAtLeast(ListingKey key, long minimumVersion) {
        return find(key);
    }

    /**
     * The listing as of at least {@code token} (from a {@link Committed} write).
     * Fails with a {@code DomainException} naming {@link Committed#TOKEN_HEADER} when the token is malformed.
     */
    default CompletionStage<Optional<Listing>> findAfter(ListingKey key, String token) {
        return find(key);
    }

    /** {@link #create} returning the write's consistency token with it. */
    default CompletionStage<Committed<Listing>> createCommitted(ListingDraft draft, String agentKey) {
        return create(draft, agentKey).thenApply(Committed::withoutToken);
    }

    /** {@link #update} returning the write's consistency token with it. */
    default CompletionStage<Committed<Listing>> updateCommitted(ListingKey key, ListingPatch patch, OptionalLong expectedVersion,
                                                                String agentKey) {
        return update(key, patch, expectedVersion, agentKey).thenApply(Committed::withoutToken);
    }

    /** {@link #delete} returning the write's consistency token with it. */
    default CompletionStage<Committed<Boolean>> deleteCommitted(ListingKey key, String agentKey) {
        return delete(key, agentKey).thenApply(Committed::withoutToken);
    }
}
