package io.hexproperty.balancer.scaling;

/**
 * What one worker used during one sample interval: connections busy and waiters of its PostgreSQL pool,
 * CPU in cores, event-loop delay and heap after GC.
 */
public record WorkerUsage(double poolInUse, double poolWaiters, double cpuCores, double loopDelayMillis, double heapUsedMb) {}
