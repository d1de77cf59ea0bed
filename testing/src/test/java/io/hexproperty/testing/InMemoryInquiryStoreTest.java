package io.hexproperty.testing;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.domain.port.out.InquiryStore;
import io.hexproperty.domain.port.out.ListingStore;
import java.time.Clock;

@Unit
class InMemoryInquiryStoreTest extends InquiryStoreContract {
    private final InMemoryListingStore listings = new InMemoryListingStore(Clock.systemUTC());
    private final InMemoryInquiryStore store = new InMemoryInquiryStore(listings, Clock.systemUTC());

    @Override
    protected InquiryStore store() {
        return store;
    }

    @Override
    protected ListingStore listings() {
        return listings;
    }
}
