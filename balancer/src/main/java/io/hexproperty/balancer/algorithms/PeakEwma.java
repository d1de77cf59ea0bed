package io.hexproperty.balancer.algorithms;

import java.util.function.LongSupplier;

/**
 * Finagle's peak-sensitive EWMA of latency: a sample above the current cost replaces it at once (a worker
 * that turns slow is avoided immediately), a sample below it is blended in with weight
 * {@code 1 - exp(-elapsed / decay)}, and the cost decays toward zero while nothing is observed (so an
 * avoided worker is eventually probed again). One per worker, updated by the data plane on each response.
 */
public final class PeakEwma {
    private final LongSupplier nanoTicker;
    private final double decayNanos;
    private double cost;
    private long stamp;

    public PeakEwma(LongSupplier nanoTicker, java.time.Duration decay) {
        if (decay.isNegative() || decay.isZero()) {
            throw new IllegalArgumentException("decay must be positive, was " + decay);
        }
        this.nanoTicker = nanoTicker;
        this.decayNanos = decay.toNanos();
        this.stamp = nanoTicker.getAsLong();
    }

    public synchronized void observe(long latencyNanos) {
        long now = nanoTicker.getAsLong();
        double w = Math.exp(-Math.max(0, now - stamp) / decayNanos);
        stamp = now;
        cost = latencyNanos > cost ? latencyNanos : cost * w + latencyNanos * (1 - w);
    }

    /** The current cost in nanoseconds, decayed to now. */
    public synchronized double cost() {
        long now = nanoTicker.getAsLong();
        return cost * Math.exp(-Math.max(0, now - stamp) / decayNanos);
    }
}
