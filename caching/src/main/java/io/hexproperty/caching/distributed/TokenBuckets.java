package io.hexproperty.caching.distributed;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * Named token buckets, the state behind a rate limit: in this process ({@link #local}) or shared by every node
 * (the Redis adapter, {@code RedisTokenBuckets}), so that N nodes give a client one allowance, not N.
 * A request takes one token from each of several buckets, all or none (an inquiry needs one from its sender's
 * bucket and one from its listing's; a refusal by either must not spend the other's).
 *
 * <p>Time is a nanosecond count from the caller. For local buckets it may be any monotonic clock; for shared
 * ones every node must count on the same timeline (the wall clock), and a node whose clock runs ahead refills
 * early by as much: NTP keeps that to milliseconds against refill periods of minutes.
 */
public interface TokenBuckets {

    /** One bucket: {@code burst} tokens, refilled evenly at {@code burst} per {@code period}. */
    record Bucket(String name, int burst, Duration period) {
        public Bucket {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(period, "period");
            if (burst < 1 || period.toMillis() < 1) {
                throw new IllegalArgumentException("a bucket needs a burst >= 1 and a period >= 1 ms, was " + burst + "/" + period);
            }
        }
    }

    /** Granted ({@code refusedBy} -1), or the index of the first empty bucket and how long until it has a token. */
    record Verdict(int refusedBy, long waitNanos) {
        public static final Verdict GRANTED = new Verdict(-1, 0);

        public boolean granted() {
            return refusedBy < 0;
        }
    }

    /**
     * Takes one token from every bucket, or none: a refusal names the first bucket in {@code buckets} order that
     * had no token. The stage fails only when the buckets could not be reached (shared buckets: Redis down or
     * slow); local buckets never fail.
     */
    CompletionStage<Verdict> take(List<Bucket> buckets);

    /** Buckets in this process, at most {@code maxBuckets} (least recently used forgotten first), on {@code nanos}. */
    static TokenBuckets local(int maxBuckets, LongSupplier nanos) {
        return new LocalTokenBuckets(maxBuckets, nanos);
    }

    /**
     * {@code shared} while it answers; when its stage fails (down, slow, refused) the same request is decided by
     * {@code local} and {@code onFallback} runs: fail to local, neither open (no limit) nor closed (no inquiries).
     */
    static TokenBuckets sharedOrLocal(TokenBuckets shared, TokenBuckets local, Runnable onFallback) {
        Objects.requireNonNull(shared, "shared");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(onFallback, "onFallback");
        return buckets -> {
            CompletionStage<Verdict> asked;
            try {
                asked = shared.take(buckets);
            } catch (RuntimeException e) {
                asked = CompletableFuture.failedFuture(e);
            }
            return asked.handle((verdict, error) -> {
                if (error == null && verdict != null) {
                    return CompletableFuture.completedFuture(verdict);
                }
                onFallback.run();
                return local.take(buckets);
            }).thenCompose(stage -> stage);
        };
    }
}
