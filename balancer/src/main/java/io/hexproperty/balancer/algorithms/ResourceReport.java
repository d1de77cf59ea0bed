package io.hexproperty.balancer.algorithms;

/**
 * What a worker reports about its own headroom (over its agent port): process CPU in [0, 1], the
 * scheduling delay of a probe timer in milliseconds, and how many requests wait for a database connection.
 */
public record ResourceReport(double cpu, double loopDelayMillis, int poolWaiters) {
    private static final ResourceReport NONE = new ResourceReport(0, 0, 0);

    public ResourceReport {
        if (!(cpu >= 0 && cpu <= 1)) {
            throw new IllegalArgumentException("cpu must be in [0, 1], was " + cpu);
        }
        if (!(loopDelayMillis >= 0)) {
            throw new IllegalArgumentException("loopDelayMillis must be >= 0, was " + loopDelayMillis);
        }
        if (poolWaiters < 0) {
            throw new IllegalArgumentException("poolWaiters must be >= 0, was " + poolWaiters);
        }
    }

    /** Nothing reported: full headroom. */
    public static ResourceReport none() {
        return NONE;
    }
}
