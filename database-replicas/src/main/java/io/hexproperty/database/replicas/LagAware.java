package io.hexproperty.database.replicas;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

final class LagAware implements ReadStrategy {
    private final Duration bound;
    private final ReadStrategy then;

    LagAware(Duration bound, ReadStrategy then) {
        this.bound = bound;
        this.then = then;
    }

    @Override
    public Optional<Node> choose(List<Node> eligible) {
        return then.choose(eligible.stream().filter(n -> n.lag().compareTo(bound) <= 0).toList());
    }

    @Override
    public String toString() {
        return "lag-aware(" + bound.toMillis() + " ms, " + then + ")";
    }
}
