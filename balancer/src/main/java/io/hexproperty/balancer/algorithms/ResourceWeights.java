package io.hexproperty.balancer.algorithms;

/**
 * How reported resources scale a weight, in the spirit of HAProxy's agent-check percentages: the weight
 * follows CPU headroom, and is divided down further when the event loop lags (requests queue in the worker)
 * or requests wait for database connections. A floor keeps a busy worker in rotation so it keeps reporting.
 */
public final class ResourceWeights {
    /** Loop delay at which the weight halves. */
    static final double LOOP_DELAY_HALF_MILLIS = 20;
    /** Pool waiters at which the weight halves. */
    static final double POOL_WAITERS_HALF = 8;
    static final double FLOOR = 0.05;

    private ResourceWeights() {}

    /** The headroom factor in [0.05, 1] of a report. */
    public static double headroom(ResourceReport r) {
        double cpu = Math.max(FLOOR, 1 - r.cpu());
        double f = cpu / (1 + r.loopDelayMillis() / LOOP_DELAY_HALF_MILLIS) / (1 + r.poolWaiters() / POOL_WAITERS_HALF);
        return Math.max(FLOOR, Math.min(1, f));
    }

    static double effectiveWeight(Endpoint e) {
        return e.weight() * headroom(e.resources());
    }

    /** The headroom as an HAProxy agent-check weight percentage (1..100). */
    public static int agentPercent(ResourceReport r) {
        return (int) Math.max(1, Math.round(headroom(r) * 100));
    }
}
