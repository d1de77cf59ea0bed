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

/** The use cases, over whatever (possibly cache-decorated) stores the composition root hands in. */
public final class ListingService implements ListingQueries, ListingCommands {
    private final ListingStore listings;
    private final InquiryStore inquiries;

    public ListingService(ListingStore listings, InquiryStore inquiries) {
        this.listings = Objects.requireNonNull(listings);
        this.inquiries = Objects.requireNonNull(inquiries);
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
        return listings.findAfter(key, token);
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
        return listings.update(key, patch, ifMatch, agent.agentKey());
    }

    @Override
    public CompletionStage<Boolean> delete(Agent agent, ListingKey key) {
        return listings.delete(key, agent.agentKey());
    }

    @Override
    public CompletionStage<Committed<Listing>> createCommitted(Agent agent, ListingDraft draft) {
        return listings.createCommitted(draft, agent.agentKey());
    }

    @Override
    public CompletionStage<Committed<Listing>> updateCommitted(Agent agent, ListingKey key, ListingPatch patch, OptionalLong ifMatch) {
        if (patch.isEmpty()) {
            return CompletableFuture.failedFuture(new DomainException("body", "names no field to change"));
        }
        return listings.updateCommitted(key, patch, ifMatch, agent.agentKey());
    }

    @Override
    public CompletionStage<Committed<Boolean>> deleteCommitted(Agent agent, ListingKey key) {
        return listings.deleteCommitted(key, agent.agentKey());
    }

    @Override
    public CompletionStage<Inquiry> inquire(InquiryDraft draft) {
        return inquiries.submit(draft);
    }
}
