package io.hexproperty.http;

import static io.hexproperty.testing.Stages.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Unit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The two inquiry limits together on node-local buckets and a hand-driven clock (the buckets: TokenBucketsContract). */
@Unit
class InquiryLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void perClientAndPerListingLimitsBothApply() {
        InquiryLimiter limiter = InquiryLimiter.local(new InquiryLimiter.Config(InquiryLimiter.Rate.parse("2/1h"),
                InquiryLimiter.Rate.parse("3/1h")), new SimpleMeterRegistry(), now::get);
        assertThat(join(limiter.acquire("10.0.0.1", "L1"))).isEmpty();
        assertThat(join(limiter.acquire("10.0.0.1", "L1"))).isEmpty();
        var refused = join(limiter.acquire("10.0.0.1", "L2"));
        assertThat(refused).hasValueSatisfying(r -> {
            assertThat(r.limit()).isEqualTo("client");
            assertThat(r.retryAfterSeconds()).isEqualTo(1800);
        });
        // another client may still write to L1 once: the listing has one token left
        assertThat(join(limiter.acquire("10.0.0.2", "L1"))).isEmpty();
        var listingFull = join(limiter.acquire("10.0.0.3", "L1"));
        assertThat(listingFull).hasValueSatisfying(r -> {
            assertThat(r.limit()).isEqualTo("listing");
            assertThat(r.parameter()).isEqualTo("ListingKey");
        });
        // the refused listing request gave the client's token back: 10.0.0.3 can still write elsewhere twice
        assertThat(join(limiter.acquire("10.0.0.3", "L9"))).isEmpty();
        assertThat(join(limiter.acquire("10.0.0.3", "L9"))).isEmpty();
        assertThat(join(limiter.acquire("10.0.0.3", "L9"))).isPresent();
        now.addAndGet(Duration.ofMinutes(30).toNanos());
        assertThat(join(limiter.acquire("10.0.0.1", "L3"))).as("one token back after half the period").isEmpty();
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
