package io.hexproperty.http;

import com.uber.h3core.H3Core;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.VersionedLoader;
import io.hexproperty.caching.distributed.DistributedTier;
import io.hexproperty.caching.distributed.LeaseConfig;
import io.hexproperty.caching.invalidation.CacheTag;
import io.hexproperty.caching.invalidation.Invalidator;
import io.hexproperty.caching.layers.disk.DiskTier;
import io.hexproperty.caching.layers.disk.WarmStart;
import io.hexproperty.caching.layers.disk.WarmStartConfig;
import io.hexproperty.caching.layers.memory.MemoryTier;
import io.hexproperty.caching.layers.memory.MemoryTierConfig;
import io.hexproperty.caching.strategies.ReadThrough;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.Signer;
import io.hexproperty.domain.port.in.ListingQueries;
import io.hexproperty.geo.H3Cells;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * The application-memory tier of HTTP responses: encoded listing details keyed by ListingKey, and
 * encoded search pages keyed by the normalized query. Detail entries carry the listing version (the
 * change feed invalidates them by version); page entries carry tags naming the place or H3 cell
 * they cover (the change feed invalidates those tags), so no scan is ever needed.
 *
 * <p>{@link #disabled} is the same API with no caching at all, for benchmarks with the cache off.
 */
public final class ResponseCache {
    // IMF-fixdate (RFC 9110 5.6.7): a two-digit day, always GMT. RFC_1123_DATE_TIME writes "3 Dec", not "03 Dec".
    static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US).withZone(ZoneOffset.UTC);

    // How long after expiry L1 keeps a value to serve while the database fails (stale-if-error): as
    // long as the CDN may (CDN-Cache-Control stale-if-error), so a database outage of that length is
    // answered from every node's memory; expired values still count against the size bound.
    static final Duration LISTING_STALE_IF_ERROR = Duration.ofHours(1);
    static final Duration PAGE_STALE_IF_ERROR = Duration.ofMinutes(10);

    private final ListingQueries queries;
    private final ReadThrough<ListingKey, Encoded> listings;
    private final ReadThrough<SearchQuery, Encoded> pages;
    private final H3Core h3;
    private final Clock clock;
    private final Signer cursors;

    private ResponseCache(ListingQueries queries, ReadThrough<ListingKey, Encoded> listings,
                          ReadThrough<SearchQuery, Encoded> pages, H3Core h3, Clock clock, Signer cursors) {
        this.cursors = java.util.Objects.requireNonNull(cursors, "cursors");
        this.queries = queries;
        this.listings = listings;
        this.pages = pages;
        this.h3 = h3;
        this.clock = clock;
    }

    /**
     * Config of the two tiers; defaults in {@link #defaults()}. Details are bounded by count (they are
     * all about the same size); search pages by bytes ({@code pageBytes}: identity + gzip bodies plus a
     * fixed overhead per entry), since a page of 100 listings is ~80 KB and one of 1 is ~1 KB.
     */
    public record Config(long listingEntries, Duration listingTtl, long pageBytes, Duration pageTtl, Duration sharedTtl) {
        /** The default byte budget of the search-page tier: 64 MiB. */
        public static final long DEFAULT_PAGE_BYTES = 64L * 1024 * 1024;

        public Config {
            if (listingEntries < 1) {
                throw new IllegalArgumentException("listingEntries must be >= 1, was " + listingEntries);
            }
            if (pageBytes < 64 * 1024) {
                throw new IllegalArgumentException("the search-page cache budget must be at least 64 KiB, was " + pageBytes + " bytes");
            }
            if (sharedTtl.isNegative() || sharedTtl.isZero()) {
                throw new IllegalArgumentException("sharedTtl must be positive, was " + sharedTtl);
            }
        }

        /** L1: 100,000 details for 5 min, 64 MiB of pages for 30 s; L2 keeps a detail for 10 min. */
        public static Config defaults() {
            return new Config(100_000, Duration.ofMinutes(5), DEFAULT_PAGE_BYTES, Duration.ofSeconds(30), Duration.ofMinutes(10));
        }

        public Config withPageBytes(long bytes) {
            return new Config(listingEntries, listingTtl, bytes, pageTtl, sharedTtl);
        }

        public Config withListingEntries(long entries) {
            return new Config(entries, listingTtl, pageBytes, pageTtl, sharedTtl);
        }
    }

    public static ResponseCache create(ListingQueries queries, MeterRegistry registry, Config settings, Clock clock) {
        return create(queries, registry, settings, clock, DistributedTier.none());
    }

    /**
     * With {@code shared} as the second tier of listing details, between L1 and the database (L2, e.g.
     * Redis; {@link DistributedTier#none()} for none). It holds the encoded responses as they are: a miss
     * encodes once, from the database, and an L2 hit decodes the stored bytes, nothing in between.
     */
    public static ResponseCache create(ListingQueries queries, MeterRegistry registry, Config settings, Clock clock,
                                       DistributedTier<ListingKey, Encoded> shared) {
        return create(queries, registry, settings, clock, shared, Signer.random());
    }

    /**
     * With search cursors signed by {@code cursors}: the deployment's server key, so that a cursor one
     * node issued is accepted by every other (the other factories use a key of this process only).
     */
    public static ResponseCache create(ListingQueries queries, MeterRegistry registry, Config settings, Clock clock,
                                       DistributedTier<ListingKey, Encoded> shared, Signer cursors) {
        return create(queries, registry, settings, clock, shared, cursors, java.util.concurrent.ForkJoinPool.commonPool());
    }

    /** {@code maintenance} runs the tiers' eviction ({@code Runnable::run} makes it synchronous, for tests). */
    static ResponseCache create(ListingQueries queries, MeterRegistry registry, Config settings, Clock clock,
                                DistributedTier<ListingKey, Encoded> shared, Signer cursors,
                                java.util.concurrent.Executor maintenance) {
        H3Core h3 = H3Cells.core();
        TierMetrics listingMetrics = TierMetrics.of(registry, "listings", "memory");
        MemoryTier<ListingKey, Encoded> listingTier = MemoryTier.create(MemoryTierConfig.defaults().withName("listings")
                .withMaximumSize(settings.listingEntries()).withTtl(settings.listingTtl(), 0.1)
                .withStaleIfError(LISTING_STALE_IF_ERROR), listingMetrics);
        TierMetrics pageMetrics = TierMetrics.of(registry, "search", "memory");
        MemoryTier<SearchQuery, Encoded> pageTier = MemoryTier.weighed(MemoryTierConfig.defaults().withName("search")
                .withMaximumWeight(settings.pageBytes()).withTtl(settings.pageTtl(), 0.1)
                .withStaleIfError(PAGE_STALE_IF_ERROR), Encoded::weight, pageMetrics,
                maintenance);
        ResponseCache[] self = new ResponseCache[1];
        // L1 tells the loader the version it knows; the database (through replicas) answers at least that.
        VersionedLoader<ListingKey, Encoded> fromDatabase = (key, known) -> queries.findAtLeast(key, known)
                .thenApply(found -> found.map(l -> new CachedValue<>(self[0].encode(l), l.version(), clock.instant())));
        VersionedLoader<ListingKey, Encoded> loader = shared.readThrough(fromDatabase, settings.sharedTtl(),
                LeaseConfig.defaults(), listingTier::minimumVersion);
        ReadThrough<ListingKey, Encoded> listings = ReadThrough.<ListingKey, Encoded>builder(listingTier, loader)
                .metrics(listingMetrics).clock(clock).build();
        ReadThrough<SearchQuery, Encoded> pages = ReadThrough.<SearchQuery, Encoded>builder(pageTier,
                        query -> queries.search(query).thenApply(page -> Optional.of(new CachedValue<>(self[0].encode(query, page), 1L, clock.instant()))))
                .tags((query, page) -> self[0].tagsOf(query))
                .metrics(pageMetrics).clock(clock).build();
        self[0] = new ResponseCache(queries, listings, pages, h3, clock, cursors);
        return self[0];
    }

    public static ResponseCache disabled(ListingQueries queries, Clock clock) {
        return disabled(queries, clock, Signer.random());
    }

    /** No caching, cursors signed by {@code cursors}. */
    public static ResponseCache disabled(ListingQueries queries, Clock clock, Signer cursors) {
        return new ResponseCache(queries, null, null, H3Cells.core(), clock, cursors);
    }

    /** What signs and checks the search cursors of the pages this cache encodes. */
    Signer cursorSigner() {
        return cursors;
    }

    boolean enabled() {
        return listings != null;
    }

    /** A fresh cached detail, answered without any asynchronous step. */
    Optional<Encoded> listingIfFresh(ListingKey key) {
        return listings == null ? Optional.empty() : listings.getIfFresh(key).map(CachedValue::value);
    }

    CompletionStage<Optional<Encoded>> listing(ListingKey key) {
        if (listings == null) {
            return queries.find(key).thenApply(found -> found.map(this::encode));
        }
        return listings.get(key).thenApply(v -> v.map(CachedValue::value));
    }

    /**
     * A response body with its age: the seconds since it was read from the database (RFC 9111 5.1,
     * the {@code Age} header). A value served stale because the database failed (stale-if-error) is
     * older than its freshness lifetime, and the age tells clients and shared caches so.
     */
    record Served(Encoded value, long ageSeconds) {}

    /** {@link #listing} with the age of what is served (0 when loaded now or caching is off). */
    CompletionStage<Optional<Served>> listingServed(ListingKey key) {
        if (listings == null) {
            return listing(key).thenApply(found -> found.map(e -> new Served(e, 0)));
        }
        return listings.get(key).thenApply(v -> v.map(this::served));
    }

    /** {@link #search} with the age of what is served. */
    CompletionStage<Served> searchServed(SearchQuery query) {
        if (pages == null) {
            return search(query).thenApply(e -> new Served(e, 0));
        }
        return pages.get(query).thenApply(v -> served(v.orElseThrow()));
    }

    private Served served(CachedValue<Encoded> value) {
        long age = Duration.between(value.loadedAt(), clock.instant()).toSeconds();
        return new Served(value.value(), Math.max(0, age));
    }

    /**
     * The keys L1 holds now, at most {@code limit} per tier, hottest first: listing keys and search queries (as
     * {@link SearchQuery#toString()}, equal on every node for the same query), so that a cluster's entries can be
     * compared across nodes (how many distinct entries, how many copies). Empty lists when caching is off.
     */
    public Map<String, List<String>> residentKeys(int limit) {
        if (listings == null) {
            return Map.of("listings", List.of(), "search", List.of());
        }
        return Map.of("listings", hottest(listings.tier(), limit).stream().map(ListingKey::value).toList(),
                "search", hottest(pages.tier(), limit).stream().map(String::valueOf).toList());
    }

    /** The first {@code limit} visible keys: the tier's hottest(n) counts entries an invalidateAll hid, so ask for all. */
    private static <K> List<K> hottest(MemoryTier<K, ?> tier, int limit) {
        int all = (int) Math.min(Integer.MAX_VALUE - 64, tier.estimatedSize()) + 64; // the slack: entries installed meanwhile
        return tier.hottest(all).keySet().stream().limit(limit).toList();
    }

    /** Listing details held in L1 now (including expired ones kept for stale-if-error): 0 when caching is off. */
    public long listingEntries() {
        return listings == null ? 0 : listings.tier().estimatedSize();
    }

    /** Read-your-writes: past every cache, from a database node that has applied the write's token. */
    CompletionStage<Optional<Encoded>> listingAfter(ListingKey key, String token) {
        return queries.findAfter(key, token).thenApply(found -> found.map(this::encode));
    }

    CompletionStage<Encoded> search(SearchQuery query) {
        if (pages == null) {
            return queries.search(query).thenApply(page -> encode(query, page));
        }
        return pages.get(query).thenApply(v -> v.orElseThrow().value());
    }

    /** Bytes held by the search-page tier (its weigher's sum); 0 when caching is off. */
    long pageBytes() {
        return pages == null ? 0 : pages.tier().weightedSize();
    }

    long pageCount() {
        return pages == null ? 0 : pages.tier().estimatedSize();
    }

    /** Write-through on the writer's node: the new version is served at once (read-your-writes). */
    Encoded written(Listing listing) {
        Encoded encoded = encode(listing);
        if (listings != null) {
            listings.tier().install(listing.listingKey(),
                    new CachedValue<>(encoded, listing.version(), clock.instant()), Set.of());
        }
        return encoded;
    }

    void deleted(ListingKey key) {
        if (listings != null) {
            listings.tier().invalidate(key);
        }
    }

    /** The caches the change feed invalidates: listings by version, pages by tag. */
    public Invalidator<ListingKey> listingInvalidator() {
        return listings == null ? NoInvalidator.instance() : listings.tier();
    }

    public List<Invalidator<?>> pageInvalidators() {
        return pages == null ? List.of() : List.of(pages.tier());
    }

    // --- caching: warm start of the listing details (disk tier) ---
    /**
     * Saves and restores the listing detail tier through {@code disk}, each pre-encoded response
     * serialized whole (bodies, ETag, Last-Modified, surrogate keys, version); empty when caching is off.
     */
    public Optional<WarmStart<ListingKey>> warmStart(DiskTier<ListingKey> disk, WarmStartConfig config,
                                                     LongSupplier watermark) {
        if (listings == null) {
            return Optional.empty();
        }
        return Optional.of(WarmStart.of(listings.tier(), Encoded::toBytes, Encoded::fromBytes, disk, config, clock,
                watermark));
    }

    /**
     * As {@link #warmStart(DiskTier, WarmStartConfig, LongSupplier)} for a change feed with one sequence
     * per database shard: {@code watermarks} gives each shard's last applied sequence, in shard order.
     */
    public Optional<WarmStart<ListingKey>> partitionedWarmStart(DiskTier<ListingKey> disk, WarmStartConfig config,
                                                                java.util.function.Supplier<long[]> watermarks) {
        if (listings == null) {
            return Optional.empty();
        }
        return Optional.of(WarmStart.ofPartitioned(listings.tier(), Encoded::toBytes, Encoded::fromBytes, disk, config,
                clock, watermarks));
    }
    // --- end caching ---

    /** Manual invalidation (admin endpoint, CLI). */
    public void invalidateKey(ListingKey key) {
        listingInvalidator().invalidate(key);
        pageInvalidators().forEach(p -> p.invalidateTag(CacheTag.listing(key)));
    }

    public void invalidateTag(String tag) {
        listingInvalidator().invalidateTag(tag);
        pageInvalidators().forEach(p -> p.invalidateTag(tag));
    }

    public void invalidateAll() {
        listingInvalidator().invalidateAll();
        pageInvalidators().forEach(Invalidator::invalidateAll);
    }

    Encoded encode(Listing l) {
        String keys = String.join(" ", CacheTag.listing(l.listingKey()),
                CacheTag.city(l.address().city(), l.address().stateOrProvince()), CacheTag.h3(l.h3r7()));
        return body(ListingJson.encode(l), ETags.of(l.version()), HTTP_DATE.format(l.modificationTimestamp()),
                keys, l.version());
    }

    /** A page's ETag is a digest of its bytes: a page has no version of its own, and equal bytes are equal pages. */
    Encoded encode(SearchQuery query, io.hexproperty.domain.SearchPage page) {
        io.vertx.core.buffer.Buffer json = ListingJson.encode(page, cursors);
        return body(json, ETags.ofContent(json.getBytes()), null, String.join(" ", tagsOf(query)), 1);
    }

    /**
     * Kept bodies are compressed once, up front (gzip and Brotli); with the cache off each body serves
     * one request: no Brotli copy (ADR 0013) and gzip only if the client asks (ADR 0017).
     */
    private Encoded body(io.vertx.core.buffer.Buffer json, String etag, String lastModified, String keys, long version) {
        return enabled() ? Encoded.of(json, etag, lastModified, keys, version, true)
                : Encoded.once(json, etag, lastModified, keys, version);
    }

    /**
     * The narrowest scope whose changes can alter this page: a city, a state, an H3 cell, or any
     * listing. Membership of a page changes only through listings of its scope, because a listing's
     * place never changes (ADR 0002).
     */
    Set<String> tagsOf(SearchQuery q) {
        Set<String> tags = new LinkedHashSet<>();
        if (q.city().isPresent() && q.state().isPresent()) {
            tags.add(CacheTag.city(q.city().get(), q.state().get()));
        } else if (q.h3Cell().isPresent()) {
            long cell = q.h3Cell().getAsLong();
            tags.add(CacheTag.h3(q.h3Resolution() == 7 ? cell : h3.cellToParent(cell, 7)));
        } else if (q.state().isPresent()) {
            tags.add(CacheTag.state(q.state().get()));
        } else {
            tags.add(CacheTag.anyListing());
        }
        return tags;
    }
}
