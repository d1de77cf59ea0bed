package io.hexproperty.balancer.scaling;

/** A worker's vertical size: PostgreSQL pool connections, event loops, heap. */
public record WorkerSize(int poolSize, int eventLoops, int heapMb) {
    public WorkerSize {
        if (poolSize < 1 || eventLoops < 1 || heapMb < 64) {
            throw new IllegalArgumentException("worker size needs pool >= 1, event loops >= 1, heap >= 64 MB; was pool "
                    + poolSize + ", loops " + eventLoops + ", heap " + heapMb + " MB");
        }
    }

    /** The cluster's worker defaults: pool 8, 2 event loops, 512 MB heap. */
    public static WorkerSize defaults() {
        return new WorkerSize(8, 2, 512);
    }
}
