package io.hexproperty.domain.port.in;

import io.hexproperty.domain.Agent;
import io.hexproperty.domain.Committed;
import io.hexproperty.domain.Inquiry;
import io.hexproperty.domain.InquiryDraft;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingDraft;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingPatch;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/** What agents and buyers write: listings (agents only) and inquiries (anyone). */
public interface ListingCommands {
    CompletionStage<Listing> create(Agent agent, ListingDraft draft);

    CompletionStage<Listing> update(Agent agent, ListingKey key, ListingPatch patch, OptionalLong ifMatchVersion);

    CompletionStage<Boolean> delete(Agent agent, ListingKey key);

    CompletionStage<Inquiry> inquire(InquiryDraft draft);

    /** {@link #create} with the write's consistency token, in the same call. */
    CompletionStage<Committed<Listing>> createCommitted(Agent agent, ListingDraft draft);

    /** {@link #update} with the write's consistency token, in the same call. */
    CompletionStage<Committed<Listing>> updateCommitted(Agent agent, ListingKey key, ListingPatch patch, OptionalLong ifMatchVersion);

    /** {@link #delete} with the write's consistency token, in the same call. */
    CompletionStage<Committed<Boolean>> deleteCommitted(Agent agent, ListingKey key);
}
