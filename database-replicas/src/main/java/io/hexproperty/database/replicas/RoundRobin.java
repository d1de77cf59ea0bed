package io.hexproperty.database.replicas;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

final class RoundRobin implements ReadStrategy {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Optional<Node> choose(List<Node> eligible) {
        if (eligible.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(eligible.get(Math.floorMod(next.getAndIncrement(), eligible.size())));
    }

    @Override
    public String toString() {
        return "round-robin";
    }
}
