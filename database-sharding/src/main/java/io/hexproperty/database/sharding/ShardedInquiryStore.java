package io.hexproperty.database.sharding;

import io.hexproperty.domain.Inquiry;
import io.hexproperty.domain.InquiryDraft;
import io.hexproperty.domain.ListingNotFoundException;
import io.hexproperty.domain.port.out.InquiryStore;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Inquiries live on the shard of their listing: the schema's foreign key (and its ON DELETE
 * CASCADE) then holds on every shard, and an agent's inquiries are read where the listing is.
 */
public final class ShardedInquiryStore implements InquiryStore {
    private final ShardedListingStore listings;
    private final List<InquiryStore> shards;

    private ShardedInquiryStore(ShardedListingStore listings, List<InquiryStore> shards) {
        this.listings = listings;
        this.shards = shards;
    }

    /** {@code shards.get(i)} is the inquiry store of the database holding shard i of {@code listings}. */
    public static ShardedInquiryStore of(ShardedListingStore listings, List<? extends InquiryStore> shards) {
        Objects.requireNonNull(listings, "listings");
        if (shards.size() != listings.map().shards()) {
            throw new IllegalArgumentException("the listings have " + listings.map().shards() + " shards but "
                    + shards.size() + " inquiry stores were given");
        }
        return new ShardedInquiryStore(listings, List.copyOf(shards));
    }

    @Override
    public CompletionStage<Inquiry> submit(InquiryDraft draft) {
        return listings.shardOf(draft.listingKey()).thenCompose(shard -> shard
                .map(s -> shards.get(s).submit(draft))
                .orElseGet(() -> CompletableFuture.failedFuture(new ListingNotFoundException(draft.listingKey()))));
    }
}
