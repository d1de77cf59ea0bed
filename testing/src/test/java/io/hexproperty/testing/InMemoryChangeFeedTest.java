package io.hexproperty.testing;

import io.hexproperty.domain.port.out.ChangeFeed;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.testing.lane.Unit;
import java.time.Clock;

/** The in-memory feed passes the contract PostgreSQL's and the sharded feed pass. */
@Unit
class InMemoryChangeFeedTest extends ChangeFeedContract {
    private final InMemoryListingStore store = new InMemoryListingStore(Clock.systemUTC());

    @Override
    protected ChangeFeed newFeed() {
        return store.changeFeed();
    }

    @Override
    protected ListingStore store() {
        return store;
    }
}
