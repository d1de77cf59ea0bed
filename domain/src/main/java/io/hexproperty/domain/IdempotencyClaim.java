package io.hexproperty.domain;

/**
 * What a write carrying an {@code Idempotency-Key} may do, decided once across all nodes: go ahead (it
 * holds the key now), replay the response stored for the key, or stop because the key is busy or was used
 * for another request.
 */
public sealed interface IdempotencyClaim {
    /** The key is this request's: perform the write, then complete or release the claim. */
    record Granted(long claimId) implements IdempotencyClaim {}

    /** The same request already succeeded: answer with its response, do not write again. */
    record Replay(StoredResponse response) implements IdempotencyClaim {}

    /** A request with this key and this body is still in progress (on this node or another). */
    record InProgress() implements IdempotencyClaim {}

    /** The key was used for a request with a different body. */
    record Mismatch() implements IdempotencyClaim {}
}
