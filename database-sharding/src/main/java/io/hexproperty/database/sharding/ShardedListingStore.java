package io.hexproperty.database.sharding;

import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingDraft;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingNotFoundException;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.port.out.ListingStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link ListingStore} over one store per shard (each a normal HexProperty schema, usually a
 * {@code PgListingStore} on its own PostgreSQL), routed by {@link ShardMap}.
 *
 * <p>Routing: a search that names a state runs on that state's shard alone; any other search runs
 * on every shard with the same query and cursor (keyset cursors are global, since the sort keys
 * are), and the pages are k-way merged ({@link PageMerge}), so results, order and next cursors are
 * those of one database holding all listings. A create goes to the shard of the draft's state.
 *
 * <p>Keys carry no shard: seeded keys are a scramble of an index and created keys are random, so
 * {@code find}, {@code update} and {@code delete} probe every shard in parallel by primary key and
 * use the one that answers (a listing never moves, its state being immutable). The probe costs one
 * indexed lookup per shard but no extra latency beyond the slowest shard, needs no directory to
 * keep consistent across nodes, and survives a failed shard when another one holds the key. Keys
 * this node has seen (in search results, finds, creates) are remembered with their shard
 * ({@link KeyLocations}), so the common "results page, then detail" path asks one shard; a
 * remembered shard that no longer has the key falls back to the probe. Failures of any shard
 * needed for an answer fail the call (a partial search result would be wrong, not degraded).
 */
public final class ShardedListingStore implements ListingStore {
    /** Keys whose shard is remembered by default: ~10 MB. */
    public static final int DEFAULT_REMEMBERED_KEYS = 100_000;

    private final ShardMap map;
    private final List<ListingStore> shards;
    private final KeyLocations locations;

    private ShardedListingStore(ShardMap map, List<ListingStore> shards, KeyLocations locations) {
        this.map = map;
        this.shards = shards;
        this.locations = locations;
    }

    /** {@code shards.get(i)} holds the states {@code map} assigns to shard i. */
    public static ShardedListingStore of(ShardMap map, List<? extends ListingStore> shards) {
        return of(map, shards, DEFAULT_REMEMBERED_KEYS);
    }

    /** As {@link #of(ShardMap, List)}, remembering the shard of up to {@code rememberedKeys} keys (0: always probe). */
    public static ShardedListingStore of(ShardMap map, List<? extends ListingStore> shards, int rememberedKeys) {
        Objects.requireNonNull(map, "map");
        if (shards.size() != map.shards()) {
            throw new IllegalArgumentException("the shard map has " + map.shards() + " shards but "
                    + shards.size() + " stores were given");
        }
        return new ShardedListingStore(map, List.copyOf(shards), new KeyLocations(rememberedKeys));
    }

    public ShardMap map() {
        return map;
    }

    /** The shard holding {@code key}, or empty when no shard has it. */
    public CompletionStage<Optional<Integer>> shardOf(ListingKey key) {
        return locate(key).thenApply(found -> found.map(Located::shard));
    }

    @Override
    public CompletionStage<Optional<Listing>> find(ListingKey key) {
        return locate(key).thenApply(found -> found.map(Located::listing));
    }

    @Override
    public CompletionStage<SearchPage> search(SearchQuery query) {
        if (query.state().isPresent()) {
            return shards.get(map.shardOf(query.state().get())).search(query).thenApply(this::learn);
        }
        List<CompletableFuture<SearchPage>> pages = new ArrayList<>(shards.size());
        for (ListingStore shard : shards) {
            pages.add(shard.search(query).toCompletableFuture());
        }
        return CompletableFuture.allOf(pages.toArray(CompletableFuture[]::new))
                .thenApply(done -> learn(PageMerge.merge(query, pages.stream().map(CompletableFuture::join).toList())))
                .exceptionallyCompose(ShardedListingStore::unwrapped);
    }

    private SearchPage learn(SearchPage page) {
        locations.learn(page.items(), map);
        return page;
    }

    @Override
    public CompletionStage<Listing> create(ListingDraft draft, String agentKey) {
        return shards.get(map.shardOf(draft.address().stateOrProvince())).create(draft, agentKey)
                .thenApply(created -> {
                    locations.learn(created, map);
                    return created;
                });
    }

    @Override
    public CompletionStage<Listing> update(ListingKey key, ListingPatch patch, OptionalLong expectedVersion,
                                          String agentKey) {
        Objects.requireNonNull(agentKey, "agentKey");
        return locate(key).thenCompose(found -> found
                .map(at -> shards.get(at.shard()).update(key, patch, expectedVersion, agentKey))
                .orElseGet(() -> CompletableFuture.failedFuture(new ListingNotFoundException(key))));
    }

    @Override
    public CompletionStage<Boolean> delete(ListingKey key, String agentKey) {
        Objects.requireNonNull(agentKey, "agentKey");
        return locate(key).thenCompose(found -> found
                .map(at -> shards.get(at.shard()).delete(key, agentKey).thenApply(deleted -> {
                    locations.forget(key);
                    return deleted;
                }))
                .orElseGet(() -> CompletableFuture.completedFuture(false)));
    }

    private record Located(int shard, Listing listing) {}

    /** Asks the remembered shard of the key, if any and if it still has it, else probes every shard. */
    private CompletionStage<Optional<Located>> locate(ListingKey key) {
        Objects.requireNonNull(key, "key");
        int remembered = locations.shardOf(key);
        if (remembered < 0) {
            return probe(key);
        }
        return shards.get(remembered).find(key).thenCompose(listing -> {
            if (listing.isPresent()) {
                return CompletableFuture.completedFuture(Optional.of(new Located(remembered, listing.get())));
            }
            locations.forget(key);
            return probe(key);
        });
    }

    /**
     * Asks every shard; completes as soon as one has the key, or when all have answered. A shard
     * failure only fails the probe when no other shard has the key.
     */
    private CompletionStage<Optional<Located>> probe(ListingKey key) {
        CompletableFuture<Optional<Located>> result = new CompletableFuture<>();
        AtomicInteger pending = new AtomicInteger(shards.size());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < shards.size(); i++) {
            int shard = i;
            shards.get(i).find(key).whenComplete((listing, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, unwrap(error));
                } else if (listing.isPresent()) {
                    locations.remember(key, shard);
                    result.complete(Optional.of(new Located(shard, listing.get())));
                }
                if (pending.decrementAndGet() == 0 && !result.isDone()) {
                    Throwable e = failure.get();
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(Optional.empty());
                    }
                }
            });
        }
        return result;
    }

    private static <T> CompletionStage<T> unwrapped(Throwable e) {
        return CompletableFuture.failedFuture(unwrap(e));
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
