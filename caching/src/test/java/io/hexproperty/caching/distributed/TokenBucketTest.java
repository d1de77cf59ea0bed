package io.hexproperty.caching.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One bucket on a hand-driven clock: burst, refill, retry hints, refund. */
@Unit
class TokenBucketTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void aBucketAllowsItsBurstThenOneTokenPerInterval() {
        TokenBucket bucket = new TokenBucket(3, Duration.ofMinutes(3), now::get);
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isZero();
        long wait = bucket.tryTake();
        assertThat(Duration.ofNanos(wait)).isEqualTo(Duration.ofMinutes(1));
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(Duration.ofNanos(bucket.tryTake())).isEqualTo(Duration.ofSeconds(1));
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isPositive();
        bucket.refund();
        assertThat(bucket.tryTake()).as("a refunded token").isZero();
        now.addAndGet(Duration.ofHours(5).toNanos());
        assertThat(bucket.full()).as("refill stops at capacity").isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(bucket.tryTake()).isZero();
        }
        assertThat(bucket.tryTake()).isPositive();
    }
}
