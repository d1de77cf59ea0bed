package io.hexproperty.balancer.algorithms;

import java.util.Objects;

/**
 * What an algorithm knows about one worker at the moment of a pick: an immutable view taken by the data
 * plane. {@code weight} is the effective weight (configured weight times the slow-start ramp);
 * {@code latencyCostNanos} is the peak-EWMA latency ({@link PeakEwma#cost()}), 0 when nothing was observed.
 */
public record Endpoint(String id, double weight, int inFlight, double latencyCostNanos, ResourceReport resources) {
    public Endpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(resources, "resources");
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight of " + id + " must be finite and >= 0, was " + weight);
        }
        if (inFlight < 0) {
            throw new IllegalArgumentException("inFlight of " + id + " must be >= 0, was " + inFlight);
        }
        if (!(latencyCostNanos >= 0)) {
            throw new IllegalArgumentException("latencyCostNanos of " + id + " must be >= 0, was " + latencyCostNanos);
        }
    }

    /** An idle endpoint of weight 1 with no observations (tests and static configurations). */
    public static Endpoint of(String id) {
        return new Endpoint(id, 1, 0, 0, ResourceReport.none());
    }

    public Endpoint withWeight(double w) {
        return new Endpoint(id, w, inFlight, latencyCostNanos, resources);
    }

    public Endpoint withInFlight(int n) {
        return new Endpoint(id, weight, n, latencyCostNanos, resources);
    }

    public Endpoint withLatencyCost(double nanos) {
        return new Endpoint(id, weight, inFlight, nanos, resources);
    }

    public Endpoint withResources(ResourceReport report) {
        return new Endpoint(id, weight, inFlight, latencyCostNanos, report);
    }
}
