package io.hexproperty.testing;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.domain.port.out.AgentStore;

@Unit
class InMemoryAgentStoreTest extends AgentStoreContract {
    private final InMemoryAgentStore store = new InMemoryAgentStore();

    @Override
    protected AgentStore store() {
        return store;
    }
}
