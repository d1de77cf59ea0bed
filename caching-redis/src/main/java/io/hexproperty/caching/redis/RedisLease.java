package io.hexproperty.caching.redis;

import io.hexproperty.caching.distributed.LoadLease;

/**
 * The {@link LoadLease} of the Redis tier: {@code SET {prefix:key}:l token NX PX ttl}, so that when a key
 * goes cold on many nodes at once only one of them loads it from the database. The owner token is this
 * lease object's (one per tier instance, i.e. per node): within a node, L1's single flight already
 * collapses concurrent loads. Release is compare-and-delete by token (Lua), so a holder whose lease
 * expired cannot delete the lease of the node that took it over.
 *
 * <p>Like the tier, the lease never fails its caller: when Redis cannot be asked, {@link #tryAcquire}
 * answers {@code true} (go ahead and load, as without a lease) and the failure is counted. The leased
 * read-through itself is {@code DistributedTier.readThrough}, the same for every distributed tier.
 */
public interface RedisLease<K> extends LoadLease<K> {
}
