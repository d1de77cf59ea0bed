package io.hexproperty.caching.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.caching.distributed.TokenBuckets.Bucket;
import io.hexproperty.caching.distributed.TokenBuckets.Verdict;
import io.hexproperty.testing.lane.Unit;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

@Unit
class LocalTokenBucketsTest extends TokenBucketsContract {
    @Override
    protected TokenBuckets buckets(LongSupplier nanos) {
        return TokenBuckets.local(10_000, nanos);
    }

    @Test
    void aFailingSharedStoreFallsBackToTheLocalBucketsAndCountsIt() {
        AtomicInteger fallbacks = new AtomicInteger();
        AtomicInteger asked = new AtomicInteger();
        TokenBuckets down = wanted -> {
            asked.incrementAndGet();
            return CompletableFuture.failedFuture(new TimeoutException("redis EVALSHA got no answer within 250 ms"));
        };
        TokenBuckets buckets = TokenBuckets.sharedOrLocal(down, TokenBuckets.local(100, now::get), fallbacks::incrementAndGet);
        Bucket b = new Bucket("client:10.0.0.1", 2, Duration.ofHours(1));
        assertThat(buckets.take(List.of(b)).toCompletableFuture().join().granted()).isTrue();
        assertThat(buckets.take(List.of(b)).toCompletableFuture().join().granted()).isTrue();
        assertThat(buckets.take(List.of(b)).toCompletableFuture().join().granted())
                .as("the local buckets still limit: neither open nor closed").isFalse();
        assertThat(asked).hasValue(3);
        assertThat(fallbacks).hasValue(3);
    }

    @Test
    void aHealthySharedStoreDecidesAlone() {
        AtomicInteger fallbacks = new AtomicInteger();
        TokenBuckets refusing = wanted -> CompletableFuture.completedFuture(new Verdict(0, 42));
        TokenBuckets buckets = TokenBuckets.sharedOrLocal(refusing, TokenBuckets.local(100, now::get), fallbacks::incrementAndGet);
        Verdict v = buckets.take(List.of(new Bucket("x", 5, Duration.ofHours(1)))).toCompletableFuture().join();
        assertThat(v).isEqualTo(new Verdict(0, 42));
        assertThat(fallbacks).hasValue(0);
    }

    @Test
    void aSharedStoreThatThrowsInsteadOfFailingItsStageFallsBackToo() {
        AtomicInteger fallbacks = new AtomicInteger();
        TokenBuckets throwing = wanted -> {
            throw new IllegalStateException("pool closed");
        };
        TokenBuckets buckets = TokenBuckets.sharedOrLocal(throwing, TokenBuckets.local(100, now::get), fallbacks::incrementAndGet);
        assertThat(buckets.take(List.of(new Bucket("x", 1, Duration.ofHours(1)))).toCompletableFuture().join().granted()).isTrue();
        assertThat(fallbacks).hasValue(1);
    }
}
