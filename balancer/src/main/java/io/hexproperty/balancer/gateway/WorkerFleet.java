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

    /** Ids of the workers this fleet runs. */
    List<String> workerIds();

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
