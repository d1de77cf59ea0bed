package io.hexproperty.domain;

import io.hexproperty.domain.port.in.ListingCommands;
import io.hexproperty.domain.port.in.ListingQueries;
import io.hexproperty.domain.port.out.InquiryStore;
import io.hexproperty.domain.port.out.ListingStore;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The use cases, over whatever (possibly cache-decorated) stores the composition root hands in.
 *
 * <p>Who may change a listing is decided here ({@link Agent#mayChangeListingOf}): an agent or feed
 * account writes as itself, and the store refuses, under the row lock of the write, a listing it does
 * not own ({@link NotOwnerException}). A broker or admin acts explicitly on behalf of the listing's
 * owner, read from the primary first; that read cannot go stale before the write because no write
 * ever changes a listing's owner. Consistency tokens leave sealed and come back opened
 * ({@link TokenSealer}), so a store only ever sees tokens this deployment issued.
 */
public final class ListingService implements ListingQueries, ListingCommands {
    private final ListingStore listings;
    private final InquiryStore inquiries;
    private final TokenSealer tokens;

    /** With tokens sealed by a key of this process only (tests, single-node tools). */
    public ListingService(ListingStore listings, InquiryStore inquiries) {
        this(listings, inquiries, new TokenSealer(Signer.random(), java.time.Clock.systemUTC()));
    }

    public ListingService(ListingStore listings, InquiryStore inquiries, TokenSealer tokens) {
        this.listings = Objects.requireNonNull(listings);
        this.inquiries = Objects.requireNonNull(inquiries);
        this.tokens = Objects.requireNonNull(tokens);
    }

    @Override
    public CompletionStage<Optional<Listing>> find(ListingKey key) {
        return listings.find(key);
    }

    @Override
    public CompletionStage<SearchPage> search(SearchQuery query) {
        return listings.search(query);
    }

    @Override
    public CompletionStage<Optional<Listing>> findAtLeast(ListingKey key, long minimumVersion) {
        return listings.findAtLeast(key, minimumVersion);
    }

    @Override
    public CompletionStage<Optional<Listing>> findAfter(ListingKey key, String token) {
        String raw;
        try {
            raw = tokens.open(token);
        } catch (DomainException e) {
            return CompletableFuture.failedFuture(e);
        }
        return listings.findAfter(key, raw);
    }

    @Override
    public CompletionStage<Listing> create(Agent agent, ListingDraft draft) {
        return listings.create(draft, agent.agentKey());
    }

    @Override
    public CompletionStage<Listing> update(Agent agent, ListingKey key, ListingPatch patch, OptionalLong ifMatch) {
        if (patch.isEmpty()) {
            return CompletableFuture.failedFuture(new DomainException("body", "names no field to change"));
        }
        return actingKey(agent, key).thenCompose(as -> listings.update(key, patch, ifMatch, as));
    }

    @Override
    public CompletionStage<Boolean> delete(Agent agent, ListingKey key) {
        return actingKey(agent, key).thenCompose(as -> listings.delete(key, as));
    }

    @Override
    public CompletionStage<Committed<Listing>> createCommitted(Agent agent, ListingDraft draft) {
        return listings.createCommitted(draft, agent.agentKey()).thenApply(this::sealed);
    }

    @Override
    public CompletionStage<Committed<Listing>> updateCommitted(Agent agent, ListingKey key, ListingPatch patch, OptionalLong ifMatch) {
        if (patch.isEmpty()) {
            return CompletableFuture.failedFuture(new DomainException("body", "names no field to change"));
        }
        return actingKey(agent, key).thenCompose(as -> listings.updateCommitted(key, patch, ifMatch, as)).thenApply(this::sealed);
    }

    @Override
    public CompletionStage<Committed<Boolean>> deleteCommitted(Agent agent, ListingKey key) {
        return actingKey(agent, key).thenCompose(as -> listings.deleteCommitted(key, as)).thenApply(this::sealed);
    }

    /**
     * The agent key the store checks ownership against: the agent's own, or for a role that acts on
     * any listing the owner's (from the primary: {@code findAtLeast} with no version a copy can reach).
     */
    private CompletionStage<String> actingKey(Agent agent, ListingKey key) {
        if (!agent.role().actsOnAnyListing()) {
            return CompletableFuture.completedFuture(agent.agentKey());
        }
        return listings.findAtLeast(key, Long.MAX_VALUE).thenApply(found -> found
                .map(Listing::agentKey)
                .filter(agent::mayChangeListingOf)
                .orElse(agent.agentKey()));
    }

    private <T> Committed<T> sealed(Committed<T> written) {
        return new Committed<>(written.value(), written.token().map(tokens::seal));
    }

    @Override
    public CompletionStage<Inquiry> inquire(InquiryDraft draft) {
        return inquiries.submit(draft);
    }
}
