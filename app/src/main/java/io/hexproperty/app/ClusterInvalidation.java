package io.hexproperty.app;

import io.hexproperty.caching.distributed.DistributedTier;
import io.hexproperty.caching.invalidation.CacheTag;
import io.hexproperty.database.PgCachePurges;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.http.CacheInvalidation;
import io.hexproperty.http.Encoded;
import io.hexproperty.http.PurgeHook;
import io.hexproperty.http.ResponseCache;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manual invalidation for the whole deployment (ADR 0016). The node that takes the request clears its
 * own L1 at once, evicts the shared tier (Redis holds listing details only: a key, a {@code listing:}
 * tag, or all), bans the CDN, and appends the purge to {@code cache_purges}; every node (this one
 * included, harmlessly) polls that table and clears the same scope from its L1. A layer that cannot be
 * reached is named in the outcome, and the admin endpoint answers 503 with it.
 */
final class ClusterInvalidation implements CacheInvalidation, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterInvalidation.class);
    /** How often each node looks for purges published by others. */
    static final Duration POLL = Duration.ofMillis(500);

    private final ResponseCache cache;
    private final DistributedTier<ListingKey, Encoded> shared;
    private final boolean hasShared;
    private final PurgeHook cdn;
    private final boolean hasCdn;
    private final Pool pool;
    private final PgCachePurges feed;

    private ClusterInvalidation(ResponseCache cache, DistributedTier<ListingKey, Encoded> shared, boolean hasShared,
                                PurgeHook cdn, boolean hasCdn, Pool pool, PgCachePurges feed) {
        this.hasCdn = hasCdn;
        this.cache = cache;
        this.shared = shared;
        this.hasShared = hasShared;
        this.cdn = cdn;
        this.pool = pool;
        this.feed = feed;
    }

    /** Starts polling {@code cache_purges} on {@code pool}'s database; blocks until the poller knows where to start. */
    static ClusterInvalidation start(Vertx vertx, Pool pool, ResponseCache cache, DistributedTier<ListingKey, Encoded> shared,
                                     PurgeHook cdn, boolean hasCdn) throws Exception {
        PgCachePurges feed = new PgCachePurges(vertx, pool, POLL);
        ClusterInvalidation invalidation = new ClusterInvalidation(cache, shared == null ? DistributedTier.none() : shared,
                shared != null, cdn, hasCdn, pool, feed);
        feed.start(invalidation::applied).toCompletableFuture().get(30, TimeUnit.SECONDS);
        return invalidation;
    }

    /** A purge another node (or this one) published: this node's L1 only; the publisher did Redis and the CDN. */
    private void applied(PgCachePurges.Purge purge) {
        Scope scope = Scope.valueOf(purge.scope().toUpperCase(java.util.Locale.ROOT));
        if (scope == Scope.KEY && !ListingKey.isValid(purge.value())) {
            LOG.warn("cache purge {}: not a listing key, skipped", purge);
            return;
        }
        CacheInvalidation.applyLocally(cache, scope, purge.value());
        LOG.info("cache purge {} {} applied on this node", purge.scope(), purge.value());
    }

    @Override
    public CompletionStage<Outcome> invalidate(Scope scope, String value) {
        CacheInvalidation.applyLocally(cache, scope, value);
        List<String> reached = new ArrayList<>(List.of("this node"));
        List<String> missed = new java.util.concurrent.CopyOnWriteArrayList<>();

        CompletionStage<Void> redis = CompletableFuture.completedFuture(null);
        if (hasShared) {
            ListingKey key = scope == Scope.KEY ? ListingKey.of(value)
                    : scope == Scope.TAG ? CacheTag.listingOf(value).orElse(null) : null;
            CompletionStage<?> evicted = scope == Scope.ALL ? retried(shared::evictAll, EVICT_ATTEMPTS)
                    : key != null ? retried(() -> shared.evict(key), EVICT_ATTEMPTS) : CompletableFuture.completedFuture(null);
            redis = evicted.handle((ok, error) -> {
                if (error != null) {
                    missed.add("redis (" + Errors.oneLine(error) + ")");
                }
                return null;
            });
        }
        switch (scope) {
            case KEY -> cdn.purge(Set.of(CacheTag.listing(ListingKey.of(value))));
            case TAG -> cdn.purge(Set.of(value));
            case ALL -> cdn.purgeAll();
        }
        CompletionStage<Void> published = PgCachePurges.publish(pool, scope.name().toLowerCase(java.util.Locale.ROOT), value)
                .handle((seq, error) -> {
                    if (error != null) {
                        missed.add("other nodes (" + Errors.oneLine(error) + ")");
                    }
                    return null;
                });
        return redis.thenCombine(published, (a, b) -> {
            if (hasShared && missed.stream().noneMatch(m -> m.startsWith("redis"))) {
                reached.add("redis");
            }
            if (missed.stream().noneMatch(m -> m.startsWith("other nodes"))) {
                reached.add("every node");
            }
            if (hasCdn) {
                reached.add("cdn"); // queued: bans are retried, and dead letters counted, by the purge hook
            }
            return new Outcome(reached, String.join("; ", missed));
        });
    }

    /** A Redis command can miss its deadline on a busy machine; an operator's purge is worth a few more tries. */
    private static final int EVICT_ATTEMPTS = 3;

    private static <T> CompletionStage<T> retried(java.util.function.Supplier<CompletionStage<T>> call, int attempts) {
        return call.get().handle((value, error) -> error == null || attempts <= 1
                        ? (error == null ? CompletableFuture.completedFuture(value) : CompletableFuture.<T>failedFuture(error))
                        : retried(call, attempts - 1))
                .thenCompose(stage -> stage);
    }

    @Override
    public void close() {
        feed.close();
    }
}
