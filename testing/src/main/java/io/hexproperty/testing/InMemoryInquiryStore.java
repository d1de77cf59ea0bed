package io.hexproperty.testing;

import io.hexproperty.domain.Inquiry;
import io.hexproperty.domain.InquiryDraft;
import io.hexproperty.domain.ListingNotFoundException;
import io.hexproperty.domain.port.out.InquiryStore;
import io.hexproperty.domain.port.out.ListingStore;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** An {@link InquiryStore} in a list; an inquiry about a listing the listing store lacks fails with ListingNotFoundException. */
public final class InMemoryInquiryStore implements InquiryStore {
    private final ListingStore listings;
    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();
    private final List<Inquiry> inquiries = new CopyOnWriteArrayList<>();

    public InMemoryInquiryStore(ListingStore listings, Clock clock) {
        this.listings = Objects.requireNonNull(listings, "listings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CompletionStage<Inquiry> submit(InquiryDraft draft) {
        return listings.find(draft.listingKey()).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.failedFuture(new ListingNotFoundException(draft.listingKey()));
            }
            Inquiry inquiry = new Inquiry(ids.incrementAndGet(), draft.listingKey(), draft.name(), draft.email(),
                    draft.message(), clock.instant().truncatedTo(ChronoUnit.MICROS));
            inquiries.add(inquiry);
            return CompletableFuture.completedFuture(inquiry);
        });
    }

    /** Everything submitted so far, oldest first. */
    public List<Inquiry> all() {
        return List.copyOf(inquiries);
    }
}
