package io.hexproperty.caching.distributed;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket: {@code capacity} tokens, refilled continuously at {@code capacity} per {@code period}.
 * A full bucket allows a burst of {@code capacity}; after that one request per {@code period / capacity}.
 * Time comes from an injected nanosecond ticker, so tests advance it by hand. Synchronized: the
 * requests it guards (inquiries) are rare, so contention is not a concern and the arithmetic stays simple.
 */
final class TokenBucket {
    private final double capacity;
    private final double tokensPerNano;
    private final LongSupplier ticker;
    private double tokens;
    private long updatedNanos;

    TokenBucket(int capacity, Duration period, LongSupplier ticker) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, was " + period);
        }
        this.capacity = capacity;
        this.tokensPerNano = capacity / (double) period.toNanos();
        this.ticker = ticker;
        this.tokens = capacity;
        this.updatedNanos = ticker.getAsLong();
    }

    /** Takes a token: 0 when one was available, else the nanoseconds until one will be (nothing taken). */
    synchronized long tryTake() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / tokensPerNano));
    }

    /** Gives back a token taken by a request that was refused by another limit. */
    synchronized void refund() {
        tokens = Math.min(capacity, tokens + 1);
    }

    /** Whether the bucket is full again (an idle bucket can be forgotten without changing any decision). */
    synchronized boolean full() {
        refill();
        return tokens >= capacity;
    }

    private void refill() {
        long now = ticker.getAsLong();
        long elapsed = now - updatedNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * tokensPerNano);
            updatedNanos = now;
        }
    }
}
