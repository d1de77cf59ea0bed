package io.hexproperty.domain;

import io.hexproperty.domain.port.in.IdempotencyKeys;
import io.hexproperty.domain.port.out.IdempotencyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Idempotency keys over a shared {@link IdempotencyStore}: a key is honoured for {@code retention}
 * (24 h by default) from its first use; an unfinished claim older than {@code abandonAfter} is taken
 * to belong to a node that died mid-write and may be claimed again by the same request.
 */
public final class IdempotencyService implements IdempotencyKeys {
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
    public static final Duration DEFAULT_ABANDON_AFTER = Duration.ofMinutes(1);

    private final IdempotencyStore store;
    private final Clock clock;
    private final Duration retention;
    private final Duration abandonAfter;

    public IdempotencyService(IdempotencyStore store, Clock clock, Duration retention, Duration abandonAfter) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.abandonAfter = Objects.requireNonNull(abandonAfter, "abandonAfter");
        if (retention.isNegative() || retention.isZero() || abandonAfter.isNegative() || abandonAfter.isZero()) {
            throw new IllegalArgumentException("retention and abandonAfter must be positive, were " + retention + ", " + abandonAfter);
        }
    }

    @Override
    public CompletionStage<IdempotencyClaim> claim(String scope, String key, byte[] fingerprint) {
        Instant now = clock.instant();
        return store.claim(scope, key, fingerprint, now, now.minus(retention), now.minus(abandonAfter));
    }

    @Override
    public CompletionStage<Void> complete(String scope, String key, long claimId, StoredResponse response) {
        return store.complete(scope, key, claimId, response);
    }

    @Override
    public CompletionStage<Void> release(String scope, String key, long claimId) {
        return store.release(scope, key, claimId);
    }

    @Override
    public Duration retention() {
        return retention;
    }

    /** The retention job: forgets keys older than the retention; returns how many. */
    public CompletionStage<Long> prune() {
        return store.deleteCreatedBefore(clock.instant().minus(retention));
    }
}
