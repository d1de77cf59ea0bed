package io.hexproperty.balancer.algorithms;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * nginx's smooth weighted round-robin: every pick adds each endpoint's weight to its credit, takes the
 * endpoint with the most credit and charges it the total. Over any window of sum(weights) picks each
 * endpoint is chosen exactly in proportion, and heavy endpoints are interleaved rather than bunched.
 * Credits are keyed by id so weights and membership may change between picks; a departed id's credit is
 * forgotten. One lock: the critical section is a loop over a handful of workers.
 */
final class SmoothWeighted implements LoadBalancer {
    private final String name;
    private final ToDoubleFunction<Endpoint> weightOf;
    private final Map<String, double[]> credit = new HashMap<>();

    SmoothWeighted(String name, ToDoubleFunction<Endpoint> weightOf) {
        this.name = name;
        this.weightOf = weightOf;
    }

    @Override
    public synchronized Endpoint pick(List<Endpoint> candidates, Request request) {
        if (credit.size() > 4 * candidates.size() + 16) {
            credit.keySet().retainAll(candidates.stream().map(Endpoint::id).toList());
        }
        double total = 0;
        Endpoint best = null;
        double[] bestCredit = null;
        for (Endpoint e : candidates) {
            double w = weightOf.applyAsDouble(e);
            double[] c = credit.computeIfAbsent(e.id(), id -> new double[1]);
            c[0] += w;
            total += w;
            if (bestCredit == null || c[0] > bestCredit[0]) {
                best = e;
                bestCredit = c;
            }
        }
        if (total <= 0) { // every weight is zero (all warming from nothing): fall back to plain rotation
            double[] c = credit.computeIfAbsent("\0rotation", id -> new double[1]);
            return candidates.get((int) (c[0]++ % candidates.size()));
        }
        bestCredit[0] -= total;
        return best;
    }

    @Override
    public String name() {
        return name;
    }
}
