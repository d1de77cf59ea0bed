package io.hexproperty.balancer.algorithms;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Chooses the worker for one request from an immutable snapshot of the eligible endpoints. Pure code: no
 * I/O, no clock, randomness injected; implementations are thread-safe (the data plane calls them from
 * every event loop). State kept between picks (round-robin position, smooth-weighted credits, the hash
 * ring) is keyed by endpoint id, so membership may change between any two calls.
 */
public interface LoadBalancer {
    /** The names {@link #named(String)} accepts, in the order the README documents them. */
    List<String> NAMES = List.of("round-robin", "weighted", "least-connections", "resource", "geographic", "dynamic", "hash");

    /**
     * Picks one of {@code candidates} (never empty; the data plane answers 503 itself when no worker is
     * eligible).
     */
    Endpoint pick(List<Endpoint> candidates, Request request);

    /** The algorithm's name, as accepted by {@link #named(String)}. */
    String name();

    /** Each endpoint in turn, ignoring weights. */
    static LoadBalancer roundRobin() {
        return new RoundRobin();
    }

    /** Smooth weighted round-robin (nginx): proportional to weight, interleaved, deterministic. */
    static LoadBalancer weighted() {
        return new SmoothWeighted("weighted", Endpoint::weight);
    }

    /** Power of two choices on in-flight requests per unit of weight. */
    static LoadBalancer leastConnections() {
        return leastConnections(threadLocalRandom());
    }

    static LoadBalancer leastConnections(RandomGenerator random) {
        return new PowerOfTwo("least-connections", random, PowerOfTwo::inFlightLoad);
    }

    /** Smooth weighted round-robin over weights scaled by each worker's reported headroom. */
    static LoadBalancer resource() {
        return new SmoothWeighted("resource", ResourceWeights::effectiveWeight);
    }

    /**
     * Requests of one region go to the {@code homeSize} workers that rendezvous hashing assigns to it (so
     * that region stays hot in their L1); when the best home worker carries more than {@code spillFactor}
     * times the average load, the request spills over to the least loaded of all.
     */
    static LoadBalancer geographic(int homeSize, double spillFactor) {
        return geographic(homeSize, spillFactor, threadLocalRandom());
    }

    static LoadBalancer geographic(int homeSize, double spillFactor, RandomGenerator random) {
        return new Geographic(homeSize, spillFactor, leastConnections(random));
    }

    /** Power of two choices on peak-EWMA latency times in-flight (Finagle's default). */
    static LoadBalancer dynamic() {
        return dynamic(threadLocalRandom());
    }

    static LoadBalancer dynamic(RandomGenerator random) {
        return new PowerOfTwo("dynamic", random, PowerOfTwo::peakEwmaLoad);
    }

    /**
     * Consistent hashing with bounded loads on the affinity key: no endpoint carries more than
     * {@code ceil(loadFactor x average in-flight)}; requests without a key go least-connections.
     */
    static LoadBalancer hash(double loadFactor) {
        return hash(loadFactor, threadLocalRandom());
    }

    static LoadBalancer hash(double loadFactor, RandomGenerator random) {
        return new BoundedLoadHash(loadFactor, BoundedLoadHash.DEFAULT_POINTS, leastConnections(random));
    }

    /** The algorithm of that name with its defaults; unknown names are rejected with the list of known ones. */
    static LoadBalancer named(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "round-robin", "roundrobin" -> roundRobin();
            case "weighted" -> weighted();
            case "least-connections", "leastconn" -> leastConnections();
            case "resource" -> resource();
            case "geographic" -> geographic(Geographic.DEFAULT_HOME_SIZE, Geographic.DEFAULT_SPILL_FACTOR);
            case "dynamic" -> dynamic();
            case "hash" -> hash(BoundedLoadHash.DEFAULT_LOAD_FACTOR);
            default -> throw new IllegalArgumentException("unknown balancer '" + name + "'; one of " + NAMES);
        };
    }

    /** A generator that draws from the calling thread's {@link ThreadLocalRandom}. */
    static RandomGenerator threadLocalRandom() {
        return () -> ThreadLocalRandom.current().nextLong();
    }
}
