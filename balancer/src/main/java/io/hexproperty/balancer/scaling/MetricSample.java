package io.hexproperty.balancer.scaling;

import java.time.Instant;

/**
 * One observation of the cluster, as the gateway (or the simulator) sees it.
 *
 * @param arrivalRate       requests per second arriving at the gateway
 * @param inFlightPerWorker mean in-flight requests per ready worker
 * @param cpu               mean CPU utilisation of ready workers, 0..1
 * @param p99Millis         p99 latency of the last interval
 * @param loopDelayMillis   mean event-loop delay of ready workers
 * @param queueLength       requests waiting (in the gateway or in the workers' emulated queues)
 * @param currentWorkers    workers that count as capacity, ready or starting (draining ones excluded)
 * @param readyWorkers      workers taking traffic
 */
public record MetricSample(Instant at, double arrivalRate, double inFlightPerWorker, double cpu, double p99Millis,
                           double loopDelayMillis, double queueLength, int currentWorkers, int readyWorkers) {
    public MetricSample {
        if (at == null) {
            throw new IllegalArgumentException("sample time must not be null");
        }
        if (currentWorkers < 0 || readyWorkers < 0 || readyWorkers > currentWorkers) {
            throw new IllegalArgumentException("workers: need 0 <= ready (" + readyWorkers + ") <= current (" + currentWorkers + ")");
        }
    }

    /** A sample with only the rate and worker counts (the rest zero): tests and rate-driven traces. */
    public static MetricSample ofRate(Instant at, double rate, int current, int ready) {
        return new MetricSample(at, rate, 0, 0, 0, 0, 0, current, ready);
    }

    public int startingWorkers() {
        return currentWorkers - readyWorkers;
    }
}
