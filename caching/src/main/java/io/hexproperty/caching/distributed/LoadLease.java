package io.hexproperty.caching.distributed;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A cross-node lease on one cache key, so that when a key goes cold on many nodes at once only one of
 * them loads it from the origin while the others wait for it to appear in the distributed tier. A lease
 * never fails its caller: when it cannot be asked, {@link #tryAcquire} answers {@code true} (load, as
 * without a lease).
 */
public interface LoadLease<K> {

    /** True when this node now holds the lease on {@code key} for {@code ttl} (or the lease cannot be asked). */
    CompletionStage<Boolean> tryAcquire(K key, Duration ttl);

    /** True when this node's lease was deleted; false when it had expired or another node holds it. */
    CompletionStage<Boolean> release(K key);

    /** Every node always holds the lease: for tiers that are not shared between processes. */
    static <K> LoadLease<K> none() {
        return new LoadLease<>() {
            @Override
            public CompletionStage<Boolean> tryAcquire(K key, Duration ttl) {
                return CompletableFuture.completedFuture(true);
            }

            @Override
            public CompletionStage<Boolean> release(K key) {
                return CompletableFuture.completedFuture(true);
            }
        };
    }
}
