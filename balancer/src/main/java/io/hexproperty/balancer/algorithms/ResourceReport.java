package io.hexproperty.balancer.algorithms;

/**
 * What a worker reports about its own headroom (over its agent port): process CPU in [0, 1], the
 * scheduling delay of a probe timer in milliseconds, and how many requests wait for a database connection;
 * and, for the vertical advisor, connections in use and heap after GC. Those two are negative when the
 * worker did not report them (an older agent, or no pool metrics yet): "not known" is not "zero".
 */
public record ResourceReport(double cpu, double loopDelayMillis, int poolWaiters, int poolInUse, double heapUsedMb) {
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
        if (Double.isNaN(heapUsedMb)) {
            throw new IllegalArgumentException("heapUsedMb must be a number (negative: not reported)");
        }
    }

    /** A report without usage (pool in use, heap): what the balancer needs and HAProxy's agent gives. */
    public ResourceReport(double cpu, double loopDelayMillis, int poolWaiters) {
        this(cpu, loopDelayMillis, poolWaiters, -1, -1);
    }

    /** True when the worker reported connections in use and heap, which the vertical advisor needs. */
    public boolean hasUsage() {
        return poolInUse >= 0 && heapUsedMb >= 0;
    }

    /** Nothing reported: full headroom. */
    public static ResourceReport none() {
        return NONE;
    }
}
