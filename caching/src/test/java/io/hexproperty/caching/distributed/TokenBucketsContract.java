package io.hexproperty.caching.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.caching.distributed.TokenBuckets.Bucket;
import io.hexproperty.caching.distributed.TokenBuckets.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TokenBuckets} adapter must do (the node-local one and the Redis one extend this). Time is a
 * hand-driven nanosecond clock that starts at a wall-clock-like value, since shared buckets count on the wall
 * clock; adapters may round it to milliseconds, so waits are compared to the millisecond.
 */
public abstract class TokenBucketsContract {

    /** Fresh buckets on {@code nanos}: names used by one test are never seen by another. */
    protected abstract TokenBuckets buckets(LongSupplier nanos);

    protected final AtomicLong now = new AtomicLong(1_764_000_000_000L * 1_000_000L);
    private final String run = UUID.randomUUID().toString();

    private Bucket bucket(String name, int burst, Duration period) {
        return new Bucket(run + ":" + name, burst, period);
    }

    private static Verdict await(CompletionStage<Verdict> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void assertWait(Verdict v, int refusedBy, Duration expected) {
        assertThat(v.granted()).as("refused").isFalse();
        assertThat(v.refusedBy()).isEqualTo(refusedBy);
        assertThat(Math.abs(v.waitNanos() - expected.toNanos())).as("wait %s vs %s", Duration.ofNanos(v.waitNanos()), expected)
                .isLessThanOrEqualTo(Duration.ofMillis(1).toNanos());
    }

    @Test
    void aBucketGivesItsBurstThenOneTokenPerIntervalAndRefillsUpToItsBurst() throws Exception {
        TokenBuckets buckets = buckets(now::get);
        Bucket b = bucket("a", 3, Duration.ofMinutes(3));
        for (int i = 0; i < 3; i++) {
            assertThat(await(buckets.take(List.of(b))).granted()).as("token %d of the burst", i + 1).isTrue();
        }
        assertWait(await(buckets.take(List.of(b))), 0, Duration.ofMinutes(1));
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertWait(await(buckets.take(List.of(b))), 0, Duration.ofSeconds(1));
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(await(buckets.take(List.of(b))).granted()).isTrue();
        assertThat(await(buckets.take(List.of(b))).granted()).isFalse();
        now.addAndGet(Duration.ofHours(5).toNanos());
        for (int i = 0; i < 3; i++) {
            assertThat(await(buckets.take(List.of(b))).granted()).as("refilled to the burst, not beyond").isTrue();
        }
        assertThat(await(buckets.take(List.of(b))).granted()).isFalse();
    }

    @Test
    void bucketsWithDifferentNamesAreIndependent() throws Exception {
        TokenBuckets buckets = buckets(now::get);
        Bucket a = bucket("client:10.0.0.1", 1, Duration.ofHours(1));
        Bucket b = bucket("client:10.0.0.2", 1, Duration.ofHours(1));
        assertThat(await(buckets.take(List.of(a))).granted()).isTrue();
        assertThat(await(buckets.take(List.of(a))).granted()).isFalse();
        assertThat(await(buckets.take(List.of(b))).granted()).as("another name, its own allowance").isTrue();
    }

    @Test
    void aTakeFromSeveralBucketsIsAllOrNone() throws Exception {
        TokenBuckets buckets = buckets(now::get);
        Bucket client = bucket("client", 2, Duration.ofHours(1));
        Bucket listing = bucket("listing", 1, Duration.ofHours(1));
        Bucket other = bucket("other-listing", 5, Duration.ofHours(1));
        assertThat(await(buckets.take(List.of(client, listing))).granted()).isTrue();
        assertWait(await(buckets.take(List.of(client, listing))), 1, Duration.ofHours(1));
        // the refusal by the listing spent nothing of the client's: it still has one token
        assertThat(await(buckets.take(List.of(client, other))).granted()).isTrue();
        assertWait(await(buckets.take(List.of(client, other))), 0, Duration.ofMinutes(30));
        // refused by the first bucket: the second is not spent either
        for (int i = 0; i < 4; i++) {
            assertThat(await(buckets.take(List.of(other))).granted()).as("other keeps 4 of 5").isTrue();
        }
        assertThat(await(buckets.take(List.of(other))).granted()).isFalse();
    }

    @Test
    void concurrentTakesNeverGrantMoreThanTheBurst() throws Exception {
        TokenBuckets buckets = buckets(now::get); // the clock stands still: no refill during the race
        Bucket b = bucket("race", 50, Duration.ofHours(1));
        List<CompletionStage<Verdict>> all = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50; i++) {
                    CompletionStage<Verdict> stage = buckets.take(List.of(b));
                    synchronized (all) {
                        all.add(stage);
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        int granted = 0;
        for (CompletionStage<Verdict> stage : all) {
            granted += await(stage).granted() ? 1 : 0;
        }
        assertThat(all).hasSize(200);
        assertThat(granted).as("exactly the burst of 200 concurrent takes").isEqualTo(50);
    }
}
