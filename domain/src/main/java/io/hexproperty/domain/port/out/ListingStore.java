package io.hexproperty.domain.port.out;

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
}
