package io.hexproperty.domain.port.in;

import io.hexproperty.domain.IdempotencyClaim;
import io.hexproperty.domain.StoredResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code Idempotency-Key} for writes: a retried POST with the same key and body gets the first response
 * back instead of writing twice. The HTTP adapter claims the key before the write and completes (or
 * releases) the claim after it.
 */
public interface IdempotencyKeys {

    CompletionStage<IdempotencyClaim> claim(String scope, String key, byte[] fingerprint);

    CompletionStage<Void> complete(String scope, String key, long claimId, StoredResponse response);

    CompletionStage<Void> release(String scope, String key, long claimId);

    /** How long a key is honoured. */
    Duration retention();

    /** No store: every claim is granted, nothing is remembered (keys are then simply ignored). */
    static IdempotencyKeys none() {
        return new IdempotencyKeys() {
            @Override
            public CompletionStage<IdempotencyClaim> claim(String scope, String key, byte[] fingerprint) {
                return CompletableFuture.completedFuture(new IdempotencyClaim.Granted(0));
            }

            @Override
            public CompletionStage<Void> complete(String scope, String key, long claimId, StoredResponse response) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletionStage<Void> release(String scope, String key, long claimId) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public Duration retention() {
                return Duration.ZERO;
            }
        };
    }
}
