package io.hexproperty.testing;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.domain.port.out.ListingStore;
import java.time.Clock;

@Unit
class InMemoryListingStoreTest extends ListingStoreContract {
    private final InMemoryListingStore store = new InMemoryListingStore(Clock.systemUTC());

    @Override
    protected ListingStore store() {
        return store;
    }
}
