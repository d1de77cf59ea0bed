package io.hexproperty.app;

import io.hexproperty.caching.KeyCodec;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.distributed.DistributedTier;
import io.hexproperty.caching.invalidation.CacheTag;
import io.hexproperty.caching.invalidation.ChangeFeedInvalidator;
import io.hexproperty.caching.layers.disk.DiskTier;
import io.hexproperty.caching.layers.disk.DiskTierConfig;
import io.hexproperty.caching.layers.disk.WarmStart;
import io.hexproperty.caching.layers.disk.WarmStartConfig;
import io.hexproperty.caching.redis.RedisDistributedTier;
import io.hexproperty.caching.redis.RedisTierConfig;
import io.hexproperty.caching.redis.ValueCodec;
import io.hexproperty.caching.strategies.ViewCounts;
import io.hexproperty.caching.strategies.WriteBehind;
import io.hexproperty.caching.strategies.WriteBehindConfig;
import io.hexproperty.caching.strategies.WriteBehindMetrics;
import io.hexproperty.caching.strategies.WriteStrategy;
import io.hexproperty.database.PgChangeFeed;
import io.hexproperty.database.PgListingViews;
import io.hexproperty.database.sharding.ShardedChangeFeed;
import io.hexproperty.domain.ListingChange;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.port.in.ListingQueries;
import io.hexproperty.domain.port.out.ChangeFeed;
import io.hexproperty.http.Encoded;
import io.hexproperty.http.PurgeHook;
import io.hexproperty.http.ResponseCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache wiring of {@code serve}: L1 (the response cache), the optional Redis L2 under it, the
 * disk tier that saves L1 for a warm start, the change feed that invalidates all of them (and purges
 * the CDN), and listing view counts written behind. Everything it opens is registered with the
 * closer it is given, so it closes before what it depends on (the data layer).
 *
 * <p>Order matters at start: the warm start restores L1 before the change feed starts, and the feed
 * replays from the saved watermarks, so a restored entry that changed while the node was down is
 * invalidated before it is served (versioned invalidations make the replay idempotent).
 */
final class ListingCaches {
    private static final Logger LOG = LoggerFactory.getLogger(ListingCaches.class);
    private static final Duration FEED_POLL = Duration.ofSeconds(1);

    private final ResponseCache cache;
    private final ShardedChangeFeed feed;
    private final ViewCounts viewCounts;
    private final RedisDistributedTier<ListingKey, Encoded> redis; // null without --redis-url
    private final PurgeHook purge;
    private final WriteBehind<ListingKey> views;

    private ListingCaches(ResponseCache cache, ShardedChangeFeed feed, ViewCounts viewCounts,
                          RedisDistributedTier<ListingKey, Encoded> redis, PurgeHook purge, WriteBehind<ListingKey> views) {
        this.cache = cache;
        this.feed = feed;
        this.viewCounts = viewCounts;
        this.redis = redis;
        this.purge = purge;
        this.views = views;
    }

    /** Builds and starts the caches over {@code queries}; blocking (warm-start file I/O, feed start). */
    static ListingCaches start(ServeConfig config, DataLayer data, ListingQueries queries, Vertx vertx, MeterRegistry registry,
                               Clock clock, PrintStream console, Closer closer) throws Exception {
        return start(config, ResponseCache.Config.defaults(), data, queries, vertx, registry, clock, console, closer,
                io.hexproperty.domain.Signer.random());
    }

    /**
     * With the L1 tier settings {@code settings} (the search-page byte budget of {@code serve --search-cache-mb})
     * and search cursors signed by the deployment's server key {@code cursors} (ADR 0015).
     */
    static ListingCaches start(ServeConfig config, ResponseCache.Config settings, DataLayer data, ListingQueries queries,
                               Vertx vertx, MeterRegistry registry, Clock clock, PrintStream console, Closer closer,
                               io.hexproperty.domain.Signer cursors) throws Exception {
        RedisDistributedTier<ListingKey, Encoded> redis = null;
        if (config.caches().redisUrl() != null && config.cache()) {
            // L2 keeps the encoded responses as they are (the same bytes as the warm-start files)
            redis = RedisDistributedTier.create(vertx, RedisTierConfig.defaults(config.caches().redisUrl()),
                    KeyCodec.ofString(ListingKey::value, ListingKey::new), ValueCodec.of(Encoded::toBytes, Encoded::fromBytes),
                    TierMetrics.of(registry, "listings", "redis"));
            RedisDistributedTier<ListingKey, Encoded> opened = redis;
            closer.add("Redis tier", () -> opened.close().await(5, TimeUnit.SECONDS));
            console.println("hexproperty: Redis L2 cache tier at " + config.caches().redisUrl());
        }
        ResponseCache cache = config.cache()
                ? ResponseCache.create(queries, registry, settings, clock,
                        redis != null ? redis : DistributedTier.none(), cursors)
                : ResponseCache.disabled(queries, clock, cursors);
        PurgeHook purge = closer.add("CDN purge", PurgeHook.varnish(vertx, registry, config.caches().purgeUrls()));

        ShardedChangeFeed feed = closer.add("change feed", data.changeFeed(FEED_POLL));
        WarmRestart warm = new WarmRestart(config, data, cache, registry, console);
        long[] resumeAfter = warm.restore(feed);
        startChangeFeed(feed, cache, redis, purge, registry, resumeAfter);
        warm.start(closer);

        WriteBehind<ListingKey> views = closer.add("view counts journal", startViewCounter(config, data.views(), registry));
        ViewCounts viewCounts = closer.add("view counts", new ViewCounts(views, 250)); // drains into the journal first
        return new ListingCaches(cache, feed, viewCounts, redis, purge, views);
    }

    ResponseCache cache() {
        return cache;
    }

    /** The Redis tier, or null without one (manual invalidation evicts it). */
    RedisDistributedTier<ListingKey, Encoded> redis() {
        return redis;
    }

    /** The CDN purge hook ({@link PurgeHook#none()} without --purge-url). */
    PurgeHook purge() {
        return purge;
    }

    /** The view-count journal (its health is in the health body). */
    WriteBehind<ListingKey> views() {
        return views;
    }

    /** Counts a detail view (written behind). */
    void viewed(ListingKey key) {
        viewCounts.viewed(key);
    }

    /** The last sequence the feed of primary {@code primary} delivered (what retention must keep after). */
    long lastSequence(int primary) {
        return feed.lastSequence(primary);
    }

    /** The change feed's progress: the sum of the primaries' last sequences (grows with every delivered change). */
    long feedSequence() {
        return feed.deliveredTotal();
    }

    /**
     * Every committed change reaches this node's caches through the outbox feed of its primary: listings
     * are invalidated by version, pages by the tags of the change's place. A lost feed connection catches up
     * from its sequence; only a pruned or rewound outbox flushes (and purges the CDN, rate-limited; ADR 0016).
     * Each primary has its own sequence, so each has its own invalidator (gap tracking); they share the caches.
     */
    private static void startChangeFeed(ShardedChangeFeed feed, ResponseCache cache, RedisDistributedTier<ListingKey, Encoded> redis,
                                        PurgeHook purge, MeterRegistry registry, long[] resumeAfter) throws Exception {
        Timer lag = Timer.builder("cache.invalidation.lag")
                .description("Commit of a listing change to its invalidation on this node")
                .publishPercentileHistogram().register(registry);
        Counter lost = Counter.builder("cache.invalidation.flushes").description("Full flushes after a lost or gapped feed")
                .register(registry);
        feed.start(resumeAfter, primary -> listener(new ChangeFeedInvalidator(cache.listingInvalidator(),
                        cache.pageInvalidators(), resumeAfter[primary]), redis, purge, lag, lost))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static ChangeFeed.Listener listener(ChangeFeedInvalidator invalidator, RedisDistributedTier<ListingKey, Encoded> redis,
                                                PurgeHook purge, Timer lag, Counter lost) {
        return new ChangeFeed.Listener() {
            @Override
            public void onChange(ListingChange change) {
                invalidator.accept(change);
                if (redis != null) {
                    redis.invalidate(change.listingKey(), change.version());
                }
                lag.record(Duration.between(change.committedAt(), Instant.now()));
                purge.purge(surrogateKeys(change));
            }

            @Override
            public void onConnectionLost(String reason) {
                invalidator.connectionLost();
                lost.increment();
                purge.purgeAll();
            }
        };
    }

    /** What a change can make stale in a shared cache: its listing and every page scope it belongs to. */
    static Set<String> surrogateKeys(ListingChange change) {
        Set<String> keys = new LinkedHashSet<>();
        keys.add(CacheTag.listing(change.listingKey()));
        if (change.city() != null && change.state() != null) {
            keys.add(CacheTag.city(change.city(), change.state()));
        }
        if (change.state() != null) {
            keys.add(CacheTag.state(change.state()));
        }
        keys.add(CacheTag.h3(change.h3r7()));
        keys.add(CacheTag.anyListing());
        return keys;
    }

    /**
     * Listing views: each detail GET adds one to an in-memory sum per key ({@link ViewCounts}), which
     * journals the sums under var/journal/views every 250 ms (never on the request path); batches go
     * to PostgreSQL once a second. The journal id is per node (kept beside the journal), so batch ids of
     * nodes sharing a database never collide.
     */
    private static WriteBehind<ListingKey> startViewCounter(ServeConfig config, PgListingViews store, MeterRegistry registry)
            throws IOException {
        Path dir = config.journalRoot().resolve("views");
        Files.createDirectories(dir);
        Path idFile = config.journalRoot().resolve("views.journal-id");
        if (!Files.exists(idFile)) {
            Files.writeString(idFile, "views-" + UUID.randomUUID() + System.lineSeparator());
        }
        String journalId = Files.readString(idFile).strip();
        WriteBehindMetrics meters = new WriteBehindMetrics(registry, "views");
        return meters.watch(WriteStrategy.writeBehind(WriteBehindConfig.defaults(dir, journalId),
                KeyCodec.ofString(ListingKey::value, ListingKey::of), meters.timed(batch -> store.apply(batch.id(), batch.deltas()))));
    }

    /**
     * The warm start of the listing details: restores what was saved at the last stop (blocking file
     * I/O, before the feed starts) and says where each primary's feed resumes: after the saved watermark
     * when that primary's outbox still holds every change since, else (for every primary) only new
     * changes, after flushing what was restored (it may be stale).
     */
    private static final class WarmRestart {
        private final ServeConfig config;
        private final DataLayer data;
        private final ResponseCache cache;
        private final MeterRegistry registry;
        private final PrintStream console;
        private WarmStart<ListingKey> warm;

        WarmRestart(ServeConfig config, DataLayer data, ResponseCache cache, MeterRegistry registry, PrintStream console) {
            this.config = config;
            this.data = data;
            this.cache = cache;
            this.registry = registry;
            this.console = console;
        }

        long[] restore(ShardedChangeFeed feed) throws Exception {
            int primaries = feed.shards();
            long[] fromNow = new long[primaries];
            Arrays.fill(fromNow, -1);
            Path snapshot = config.cacheRoot().resolve("listings");
            if (!snapshotBelongsToThisDatabase(snapshot)) {
                deleteTree(snapshot);
            }
            DiskTier<ListingKey> disk = DiskTier.open(DiskTierConfig.defaults(snapshot),
                    KeyCodec.ofString(ListingKey::value, ListingKey::of), TierMetrics.of(registry, "listings", "disk"));
            // Read before each snapshot: one position per primary, since their sequences are independent.
            warm = cache.partitionedWarmStart(disk, WarmStartConfig.defaults(), () -> {
                long[] marks = new long[primaries];
                Arrays.setAll(marks, feed::lastSequence);
                return marks;
            }).orElse(null);
            if (warm == null) {
                return fromNow;
            }
            WarmStart.Restored restored = warm.restore();
            if (restored.installed() == 0) {
                return fromNow;
            }
            List<Long> marks = restored.watermarks();
            List<PgChangeFeed.Range> ranges = data.outboxRanges().toCompletableFuture().get(30, TimeUnit.SECONDS);
            if (marks.size() == primaries && covered(marks, ranges)) {
                long[] resume = marks.stream().mapToLong(Long::longValue).toArray();
                console.printf("hexproperty: warm start: %d listings restored, catching up changes after %s%n",
                        restored.installed(), primaries == 1 ? Long.toString(resume[0]) : marks.toString());
                return resume;
            }
            LOG.info("warm start: outboxes hold {}, saved watermarks {}: restored entries flushed", ranges, marks);
            cache.invalidateAll();
            return fromNow;
        }

        /** Whether every primary's outbox still holds every change after its saved position. */
        private static boolean covered(List<Long> marks, List<PgChangeFeed.Range> ranges) {
            for (int i = 0; i < marks.size(); i++) {
                long mark = marks.get(i);
                long oldest = ranges.get(i).oldest();
                long newest = ranges.get(i).newest();
                if (mark < 0 || mark > newest || (oldest > mark + 1 && newest != 0)) {
                    return false;
                }
            }
            return true;
        }

        /** Saves periodically from now on, and once more at close. */
        void start(Closer closer) {
            if (warm == null) {
                return;
            }
            closer.add("warm-start save", () -> {
                try {
                    warm.close();
                } catch (RuntimeException e) {
                    LOG.warn("warm start: save at close failed: {}", Errors.oneLine(e));
                }
            });
            warm.start();
        }

        /**
         * A warm-start snapshot is only valid against the databases it was saved from: their system
         * identifiers are kept beside it ({@code listings.database}). A snapshot of other databases, or of
         * ones this node cannot identify, is refused without being loaded; the new identifiers are recorded.
         */
        private boolean snapshotBelongsToThisDatabase(Path snapshot) throws IOException {
            Path idFile = snapshot.resolveSibling(snapshot.getFileName() + ".database");
            String current;
            try {
                current = String.join(",", data.systemIdentifiers().toCompletableFuture().get(30, TimeUnit.SECONDS));
            } catch (Exception e) {
                console.println("hexproperty: warm start: cannot read the database's system identifier ("
                        + Errors.oneLine(e) + "): starting cold");
                Files.deleteIfExists(idFile);
                return false;
            }
            String saved = Files.exists(idFile) ? Files.readString(idFile).strip() : null;
            boolean ours = current.equals(saved);
            if (!ours && Files.isDirectory(snapshot)) {
                console.printf("hexproperty: warm start: the snapshot in %s was saved against database %s, this is %s: not loaded%n",
                        snapshot, saved == null ? "(unknown)" : saved, current);
            }
            Files.createDirectories(snapshot.getParent());
            Files.writeString(idFile, current + System.lineSeparator());
            return ours;
        }

        private static void deleteTree(Path dir) throws IOException {
            if (!Files.exists(dir)) {
                return;
            }
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
