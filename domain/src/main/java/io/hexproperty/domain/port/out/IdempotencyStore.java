package io.hexproperty.domain.port.out;

import io.hexproperty.domain.IdempotencyClaim;
import io.hexproperty.domain.StoredResponse;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * Idempotency keys shared by every node (PostgreSQL in production). A key lives in a scope (the route and
 * the caller) and remembers the fingerprint of the request that claimed it. {@link #claim} is atomic: of
 * any number of concurrent claims of one key exactly one is granted.
 */
public interface IdempotencyStore {

    /**
     * Claims {@code key} in {@code scope} for a request with {@code fingerprint} at {@code now}. A row
     * created before {@code expiredBefore} counts as absent (replaced); an unfinished claim made before
     * {@code abandonedBefore} by the same request (its node died mid-write) may be taken over.
     */
    CompletionStage<IdempotencyClaim> claim(String scope, String key, byte[] fingerprint, Instant now,
                                            Instant expiredBefore, Instant abandonedBefore);

    /** Stores the response of a granted claim, for replays. */
    CompletionStage<Void> complete(String scope, String key, long claimId, StoredResponse response);

    /** Gives a granted claim up (the write failed): the key is free for a retry. */
    CompletionStage<Void> release(String scope, String key, long claimId);

    /** Retention: deletes every key created before {@code cutoff}; returns how many. */
    CompletionStage<Long> deleteCreatedBefore(Instant cutoff);
}
