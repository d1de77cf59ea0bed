package io.hexproperty.balancer.gateway;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Starts and stops worker processes (or pods). The cluster implements it over child JVMs; an autoscaler
 * drives it. {@link WorkerPool} is the traffic side (who gets requests); this is the capacity side.
 */
public interface WorkerFleet {
    /** Launches one more worker and completes with its id once it is registered in the pool. */
    CompletionStage<String> addWorker();

    /** Drains the worker in the pool, then stops it. */
    CompletionStage<Void> removeWorker(String id);

    /** Ids of the workers this fleet runs: in rotation, starting, draining and standby. */
    List<String> workerIds();

    /**
     * Launches a warm standby (ADR 0023): started, ready, warmed up, and registered in the pool out of rotation
     * ({@link WorkerPool#addStandby}); completes with its id once the gateway's checks pass on it.
     */
    default CompletionStage<String> addStandby() {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this fleet keeps no standby workers"));
    }

    /** Puts a standby in rotation at once ({@link WorkerPool#admit}). */
    default CompletionStage<Void> admit(String id) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this fleet keeps no standby workers"));
    }

    /**
     * Takes a worker out of rotation as {@link #removeWorker} does (drain: no new requests, in-flight ones
     * finish) but keeps it running as a standby instead of stopping it.
     */
    default CompletionStage<Void> park(String id) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this fleet keeps no standby workers"));
    }

    /** A fleet that cannot change (the gateway in front of fixed origins). */
    static WorkerFleet none() {
        return new WorkerFleet() {
            @Override
            public CompletionStage<String> addWorker() {
                return CompletableFuture.failedFuture(new UnsupportedOperationException("this gateway fronts fixed origins; it cannot start workers"));
            }

            @Override
            public CompletionStage<Void> removeWorker(String id) {
                return CompletableFuture.failedFuture(new UnsupportedOperationException("this gateway fronts fixed origins; it cannot stop workers"));
            }

            @Override
            public List<String> workerIds() {
                return List.of();
            }
        };
    }
}
