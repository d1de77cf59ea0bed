package io.hexproperty.database.sharding;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.PgChangeFeed;
import io.hexproperty.domain.port.out.ChangeFeed;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntFunction;

/**
 * The change feeds of all shards. Each shard has its own outbox and its own gap-free sequence, so
 * the sequences are only comparable within a shard: there is one feed and one listener per shard,
 * and whatever tracks gaps (the caches' {@code ChangeFeedInvalidator}) is created once per shard:
 *
 * <pre>{@code
 * ShardedChangeFeed feeds = ShardedChangeFeed.postgres(vertx, pools, configs, Duration.ofSeconds(1));
 * feeds.start(shard -> listenerFor(new ChangeFeedInvalidator(listingCache, pageCaches, -1)));
 * }</pre>
 *
 * Invalidation itself is by listing key, version and tags, which are global, so the per-shard
 * invalidators may share the same caches.
 */
public final class ShardedChangeFeed implements AutoCloseable {
    private final List<ChangeFeed> feeds;

    private ShardedChangeFeed(List<ChangeFeed> feeds) {
        this.feeds = feeds;
    }

    /** {@code feeds.get(i)} is the feed of shard i. */
    public static ShardedChangeFeed of(List<? extends ChangeFeed> feeds) {
        if (feeds.isEmpty()) {
            throw new IllegalArgumentException("a sharded change feed needs at least one shard");
        }
        return new ShardedChangeFeed(List.copyOf(feeds));
    }

    /** One {@link PgChangeFeed} per shard: {@code pools.get(i)} and {@code configs.get(i)} reach shard i. */
    public static ShardedChangeFeed postgres(Vertx vertx, List<Pool> pools, List<DatabaseConfig> configs,
                                             Duration pollInterval) {
        if (pools.size() != configs.size()) {
            throw new IllegalArgumentException(pools.size() + " pools but " + configs.size() + " database configs");
        }
        List<ChangeFeed> feeds = new ArrayList<>(pools.size());
        for (int i = 0; i < pools.size(); i++) {
            feeds.add(new PgChangeFeed(vertx, pools.get(i), configs.get(i), pollInterval));
        }
        return of(feeds);
    }

    public int shards() {
        return feeds.size();
    }

    /** Starts every shard's feed with only new changes, each delivering to {@code listenerOf.apply(shard)}. */
    public CompletionStage<Void> start(IntFunction<ChangeFeed.Listener> listenerOf) {
        long[] fromNow = new long[feeds.size()];
        java.util.Arrays.fill(fromNow, -1);
        return start(fromNow, listenerOf);
    }

    /** Starts shard i's feed after {@code afterSequences[i]} (-1: only new changes). */
    public CompletionStage<Void> start(long[] afterSequences, IntFunction<ChangeFeed.Listener> listenerOf) {
        Objects.requireNonNull(listenerOf, "listenerOf");
        if (afterSequences.length != feeds.size()) {
            throw new IllegalArgumentException(afterSequences.length + " start sequences for " + feeds.size() + " shards");
        }
        List<CompletableFuture<Void>> started = new ArrayList<>(feeds.size());
        for (int i = 0; i < feeds.size(); i++) {
            ChangeFeed.Listener listener = Objects.requireNonNull(listenerOf.apply(i), "listener of shard " + i);
            started.add(feeds.get(i).start(afterSequences[i], listener).toCompletableFuture());
        }
        return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
    }

    /** The highest sequence shard {@code shard}'s feed delivered so far. */
    public long lastSequence(int shard) {
        return feeds.get(shard).lastSequence();
    }

    /** The sum of the shards' last sequences: grows with every delivered change, for progress checks. */
    public long deliveredTotal() {
        long total = 0;
        for (ChangeFeed feed : feeds) {
            total += Math.max(0, feed.lastSequence());
        }
        return total;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (ChangeFeed feed : feeds) {
            try {
                feed.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
