package io.hexproperty.database.replicas;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Picks the replica that serves a read. The router has already removed replicas that are down,
 * retired, or behind the read's consistency token; an empty choice sends the read to the primary.
 */
public interface ReadStrategy {

    Optional<Node> choose(List<Node> eligible);

    /** Each replica in turn. */
    static ReadStrategy roundRobin() {
        return new RoundRobin();
    }

    /** The replica with the fewest operations holding or waiting for a connection (ties: round-robin). */
    static ReadStrategy leastOutstanding() {
        return new LeastOutstanding();
    }

    /** Round-robin over the replicas whose replay lag is at most {@code bound}; none within it means the primary. */
    static ReadStrategy lagAware(Duration bound) {
        return lagAware(bound, roundRobin());
    }

    /** {@code then} over the replicas whose replay lag is at most {@code bound}. */
    static ReadStrategy lagAware(Duration bound, ReadStrategy then) {
        Objects.requireNonNull(bound, "bound");
        if (bound.isNegative()) {
            throw new IllegalArgumentException("lag bound must be >= 0, not " + bound);
        }
        return new LagAware(bound, Objects.requireNonNull(then, "then"));
    }
}
