package io.hexproperty.balancer.algorithms;

import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * Power of two choices (Mitzenmacher): draw two distinct endpoints at random, keep the less loaded. Nearly
 * as good as scanning for the minimum, without herding every concurrent pick onto the same idle worker.
 * The load function decides the flavour: in-flight per weight (least-connections) or peak-EWMA latency
 * times in-flight (dynamic, as Finagle's P2C+PeakEWMA).
 */
final class PowerOfTwo implements LoadBalancer {
    /** Load of an endpoint with requests outstanding but no latency observed yet: avoid it while unknown. */
    static final double UNKNOWN_PENALTY = 1e15;

    private final String name;
    private final RandomGenerator random;
    private final ToDoubleFunction<Endpoint> load;

    PowerOfTwo(String name, RandomGenerator random, ToDoubleFunction<Endpoint> load) {
        this.name = name;
        this.random = random;
        this.load = load;
    }

    static double inFlightLoad(Endpoint e) {
        return (e.inFlight() + 1) / Math.max(e.weight(), 1e-9);
    }

    static double peakEwmaLoad(Endpoint e) {
        double cost = e.latencyCostNanos();
        double base = cost == 0 ? (e.inFlight() == 0 ? 0 : UNKNOWN_PENALTY + e.inFlight()) : cost * (e.inFlight() + 1);
        return base / Math.max(e.weight(), 1e-9);
    }

    @Override
    public Endpoint pick(List<Endpoint> candidates, Request request) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        int a = random.nextInt(n);
        int b = random.nextInt(n - 1);
        if (b >= a) {
            b++;
        }
        Endpoint ea = candidates.get(a);
        Endpoint eb = candidates.get(b);
        double la = load.applyAsDouble(ea);
        double lb = load.applyAsDouble(eb);
        if (la == lb) {
            return random.nextBoolean() ? ea : eb;
        }
        return la < lb ? ea : eb;
    }

    @Override
    public String name() {
        return name;
    }
}
