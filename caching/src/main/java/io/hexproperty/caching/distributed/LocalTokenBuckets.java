package io.hexproperty.caching.distributed;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * Token buckets in a bounded Caffeine map. A bucket expires after one period unused, when it would be full
 * again anyway, so forgetting it changes no decision; the size bound only forgets the least recently used.
 * One lock for the whole take: all-or-none across several buckets without lock ordering, and the requests it
 * guards (inquiries) are rare.
 */
final class LocalTokenBuckets implements TokenBuckets {
    private final LongSupplier nanos;
    private final Cache<String, Entry> buckets;

    private record Entry(TokenBucket bucket, long periodNanos) {}

    LocalTokenBuckets(int maxBuckets, LongSupplier nanos) {
        if (maxBuckets < 1) {
            throw new IllegalArgumentException("maxBuckets must be >= 1, was " + maxBuckets);
        }
        this.nanos = nanos;
        this.buckets = Caffeine.newBuilder().maximumSize(maxBuckets).ticker(nanos::getAsLong).executor(Runnable::run)
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry value, long currentTime) {
                        return value.periodNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry value, long currentTime, long currentDuration) {
                        return value.periodNanos();
                    }

                    @Override
                    public long expireAfterRead(String key, Entry value, long currentTime, long currentDuration) {
                        return value.periodNanos();
                    }
                }).build();
    }

    @Override
    public synchronized CompletionStage<Verdict> take(List<Bucket> wanted) {
        TokenBucket[] found = new TokenBucket[wanted.size()];
        for (int i = 0; i < found.length; i++) {
            Bucket b = wanted.get(i);
            found[i] = buckets.get(b.name(), k -> new Entry(new TokenBucket(b.burst(), b.period(), nanos), b.period().toNanos())).bucket();
        }
        for (int i = 0; i < found.length; i++) {
            long wait = found[i].tryTake();
            if (wait > 0) {
                for (int j = 0; j < i; j++) {
                    found[j].refund();
                }
                return CompletableFuture.completedFuture(new Verdict(i, wait));
            }
        }
        return CompletableFuture.completedFuture(Verdict.GRANTED);
    }
}
