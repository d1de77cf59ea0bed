package io.hexproperty.database.replicas;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

final class LeastOutstanding implements ReadStrategy {
    private final AtomicInteger start = new AtomicInteger();

    @Override
    public Optional<Node> choose(List<Node> eligible) {
        if (eligible.isEmpty()) {
            return Optional.empty();
        }
        // Start the scan at a rotating offset so that equal loads do not all land on the first replica.
        int offset = Math.floorMod(start.getAndIncrement(), eligible.size());
        Node best = null;
        int least = Integer.MAX_VALUE;
        for (int i = 0; i < eligible.size(); i++) {
            Node n = eligible.get((offset + i) % eligible.size());
            int outstanding = n.outstanding();
            if (outstanding < least) {
                least = outstanding;
                best = n;
            }
        }
        return Optional.of(best);
    }

    @Override
    public String toString() {
        return "least-outstanding";
    }
}
