package io.hexproperty.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Unit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets on a hand-driven clock: bursts, refill, retry hints, the two limits together. */
@Unit
class InquiryLimiterTest {
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
        now.addAndGet(Duration.ofHours(5).toNanos());
        assertThat(bucket.full()).as("refill stops at capacity").isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(bucket.tryTake()).isZero();
        }
        assertThat(bucket.tryTake()).isPositive();
    }

    @Test
    void perClientAndPerListingLimitsBothApply() {
        InquiryLimiter limiter = new InquiryLimiter(new InquiryLimiter.Config(InquiryLimiter.Rate.parse("2/1h"),
                InquiryLimiter.Rate.parse("3/1h")), new SimpleMeterRegistry(), now::get);
        assertThat(limiter.acquire("10.0.0.1", "L1")).isEmpty();
        assertThat(limiter.acquire("10.0.0.1", "L1")).isEmpty();
        var refused = limiter.acquire("10.0.0.1", "L2");
        assertThat(refused).hasValueSatisfying(r -> {
            assertThat(r.limit()).isEqualTo("client");
            assertThat(r.retryAfterSeconds()).isEqualTo(1800);
        });
        // another client may still write to L1 once: the listing has one token left
        assertThat(limiter.acquire("10.0.0.2", "L1")).isEmpty();
        var listingFull = limiter.acquire("10.0.0.3", "L1");
        assertThat(listingFull).hasValueSatisfying(r -> {
            assertThat(r.limit()).isEqualTo("listing");
            assertThat(r.parameter()).isEqualTo("ListingKey");
        });
        // the refused listing request gave the client's token back: 10.0.0.3 can still write elsewhere twice
        assertThat(limiter.acquire("10.0.0.3", "L9")).isEmpty();
        assertThat(limiter.acquire("10.0.0.3", "L9")).isEmpty();
        assertThat(limiter.acquire("10.0.0.3", "L9")).isPresent();
        now.addAndGet(Duration.ofMinutes(30).toNanos());
        assertThat(limiter.acquire("10.0.0.1", "L3")).as("one token back after half the period").isEmpty();
    }

    @Test
    void ratesParseAndRejectNonsense() {
        assertThat(InquiryLimiter.Rate.parse("10/1h")).isEqualTo(new InquiryLimiter.Rate(10, Duration.ofHours(1)));
        assertThat(InquiryLimiter.Rate.parse("5/10m")).isEqualTo(new InquiryLimiter.Rate(5, Duration.ofMinutes(10)));
        for (String bad : new String[] {"", "10", "0/1h", "10/0s", "x/1h", "10/1y", "-1/1h"}) {
            assertThatThrownBy(() -> InquiryLimiter.Rate.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
