package io.hexproperty.seed;

import io.hexproperty.domain.Listing;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads generated listings (and one cover photo each) into an empty PostgreSQL schema, fast.
 *
 * <p>Why it is shaped this way: the cost of a bulk load is in the server, per row (parsing, the
 * generated tsvector, heap and index upkeep, WAL). So the search indexes and the media foreign key
 * are dropped first and built once at the end ({@link DeferredStructure}); rows go through COPY, the
 * cheapest way in; several streams (connections) each generate a chunk of listings and stream it
 * into its own COPY in batches, so the server parses one batch while the generator builds the
 * next, and the streams keep all cores busy. Each chunk commits on its own with
 * synchronous_commit off: nothing waits for a WAL flush, and a seed cut short by a crash has to be
 * redone on an empty database whatever was flushed.
 * Autovacuum is paused on the two tables meanwhile. Indexes are rebuilt in parallel, dearest
 * first, then the tables are vacuumed and analyzed once, so the planner has statistics and
 * index-only scans have a visibility map from the first query.
 *
 * <p>If a load fails after the indexes were dropped, they are re-created before the error is
 * thrown, so the schema matches the migrations again (holding whatever rows were committed).
 */
public final class Seeder {
    private static final Logger LOG = LoggerFactory.getLogger(Seeder.class);

    /**
     * Fills the global key table (V30) from the loaded rows in one pass: COPY goes into listings only,
     * and the deferred foreign keys to listing_keys are re-added (and validated) after this.
     */
    static final String REGISTER_KEYS =
            "INSERT INTO listing_keys (listing_key, standard_status) SELECT listing_key, standard_status FROM listings";

    /** Rows per write into a COPY stream: big enough to amortize the call, small enough to overlap. */
    private static final int BATCH_ROWS = 500;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final SeedConfig options;

    public Seeder(String jdbcUrl, String user, String password) {
        this(jdbcUrl, user, password, SeedConfig.defaults());
    }

    public Seeder(String jdbcUrl, String user, String password, SeedConfig options) {
        this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        this.user = user;
        this.password = password;
        this.options = Objects.requireNonNull(options, "options");
    }

    /** True when the listings table holds at least one row (so a server seeds only on its first start). */
    public static boolean isSeeded(String jdbcUrl, String user, String password) {
        try (Connection c = connect(jdbcUrl, user, password)) {
            return hasListings(c);
        } catch (SQLException e) {
            throw new SeedException(SeedPhase.PREPARE, 0, "cannot tell whether " + redact(jdbcUrl)
                    + " is seeded (are the migrations applied?): " + e.getMessage(), e);
        }
    }

    /**
     * Empties every table the seed fills (listings and what hangs off them, view counts, the change
     * outbox), so {@code seed --reset} can load a fresh data set. Agents are kept.
     */
    public static void reset(String jdbcUrl, String user, String password) {
        try (Connection c = connect(jdbcUrl, user, password); var s = c.createStatement()) {
            s.execute("TRUNCATE listing_keys, listings, media, inquiries, listing_views_daily, listing_changes");
        } catch (SQLException e) {
            throw new SeedException(SeedPhase.PREPARE, 0, "cannot empty " + redact(jdbcUrl) + " for a new seed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Generates {@code count} listings of {@code seed} ({@link ListingGenerator}, dated as of the
     * options' clock) and loads them. The listings table must be empty.
     */
    public SeedReport seed(long count, long seed, SeedProgress progress) {
        Objects.requireNonNull(progress, "progress");
        if (count < 0 || count > ListingGenerator.MAX_INDEX + 1) {
            throw new IllegalArgumentException("count must be between 0 and " + (ListingGenerator.MAX_INDEX + 1)
                    + ", was " + count);
        }
        long start = System.nanoTime();
        progress.onProgress(SeedPhase.PREPARE, 0, 2);
        ListingGenerator generator = ListingGenerator.create(seed, options.clock().instant());
        return load(count, generator::listing, progress, start);
    }

    /**
     * Like {@link #seed(long, long, SeedProgress)}, but loads only those of the {@code count}
     * listings whose StateOrProvince {@code states} accepts: a shard's part of the same stream, so
     * the shards of one seed together hold exactly what the unsharded seed holds.
     */
    public SeedReport seed(long count, long seed, Predicate<String> states, SeedProgress progress) {
        Objects.requireNonNull(states, "states");
        Objects.requireNonNull(progress, "progress");
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a filtered seed holds at most " + Integer.MAX_VALUE
                    + " listings, was " + count);
        }
        long start = System.nanoTime();
        progress.onProgress(SeedPhase.PREPARE, 0, 2);
        ListingGenerator generator = ListingGenerator.create(seed, options.clock().instant());
        long[] kept = LongStream.range(0, count).filter(i -> states.test(generator.stateOf(i))).toArray();
        return load(kept.length, j -> generator.listing(kept[(int) j]), progress, start);
    }

    /** Loads listings {@code 0..count-1} of {@code source}; package-private so tests can load hand-made rows. */
    SeedReport load(long count, LongFunction<Listing> source, SeedProgress progress, long start) {
        SerialProgress serial = new SerialProgress(progress);
        serial.report(SeedPhase.PREPARE, 1, 2);
        List<DeferredStructure> deferred;
        Map<String, String> autovacuum;
        try (Connection c = connect(jdbcUrl, user, password)) {
            if (hasListings(c)) {
                throw new SeedException(SeedPhase.PREPARE, 0, "the listings table of " + redact(jdbcUrl)
                        + " is not empty; seeding loads only into an empty table (check Seeder.isSeeded first)", null);
            }
            deferred = DeferredStructure.read(c);
            autovacuum = autovacuumSettings(c);
        } catch (SQLException e) {
            throw new SeedException(SeedPhase.PREPARE, 0, e.getMessage(), e);
        }
        // One transaction: either all are dropped or, on failure, none.
        try (Connection c = connect(jdbcUrl, user, password); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            for (DeferredStructure d : deferred) {
                st.execute(d.drop());
            }
            c.commit();
        } catch (SQLException e) {
            throw new SeedException(SeedPhase.PREPARE, 0, "cannot drop the search indexes: " + e.getMessage(), e);
        }
        serial.report(SeedPhase.PREPARE, 2, 2);
        long prepared = System.nanoTime();

        CopyOutcome copied = null;
        boolean rebuilt = false;
        try {
            pauseAutovacuum(autovacuum.keySet());
            copied = copy(count, source, serial);
            long loaded = System.nanoTime();
            Map<String, Duration> timings = new ConcurrentHashMap<>();
            rebuild(deferred, serial, count, timings);
            rebuilt = true;
            long indexed = System.nanoTime();
            analyze(serial, count, timings);
            long analyzed = System.nanoTime();
            SeedReport report = new SeedReport(count, copied.media, options.streams(), deferred.size(),
                    Duration.ofNanos(prepared - start), Duration.ofNanos(loaded - prepared),
                    Duration.ofNanos(copied.generateNanos), Duration.ofNanos(copied.copyNanos),
                    Duration.ofNanos(indexed - loaded), Duration.ofNanos(analyzed - indexed),
                    Duration.ofNanos(analyzed - start), timings);
            LOG.info("{}", report.summary());
            return report;
        } finally {
            if (!rebuilt) {
                restoreAfterFailure(deferred);
            }
            restoreAutovacuum(autovacuum);
        }
    }

    /**
     * Autovacuum would scan the tables while they fill (an insert-only load crosses its insert
     * threshold again and again) and compete with the load for the cores; the seed vacuums once at
     * the end instead. Returns each loaded table's own autovacuum_enabled setting (null when
     * unset), to put back exactly as it was.
     */
    private static Map<String, String> autovacuumSettings(Connection c) throws SQLException {
        Map<String, String> settings = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT c.oid::regclass::text, (SELECT option_value FROM pg_options_to_table(c.reloptions)"
                        + " WHERE option_name = 'autovacuum_enabled')"
                        // the leaf tables: a partitioned listings table takes no storage parameters itself
                        + " FROM pg_class c WHERE c.relkind = 'r' AND (c.oid = 'media'::regclass"
                        + " OR c.oid IN (SELECT relid FROM pg_partition_tree('listings'))) ORDER BY 1")) {
            while (rs.next()) {
                settings.put(rs.getString(1), rs.getString(2));
            }
        }
        return settings;
    }

    private void pauseAutovacuum(Set<String> tables) {
        try (Connection c = connect(jdbcUrl, user, password)) {
            for (String table : tables) {
                execute(c, "ALTER TABLE " + table + " SET (autovacuum_enabled = false)");
            }
        } catch (SQLException e) {
            throw new SeedException(SeedPhase.PREPARE, 0, "cannot pause autovacuum: " + e.getMessage(), e);
        }
    }

    private void restoreAutovacuum(Map<String, String> settings) {
        try (Connection c = connect(jdbcUrl, user, password)) {
            for (Map.Entry<String, String> e : settings.entrySet()) {
                execute(c, e.getValue() == null
                        ? "ALTER TABLE " + e.getKey() + " RESET (autovacuum_enabled)"
                        : "ALTER TABLE " + e.getKey() + " SET (autovacuum_enabled = " + e.getValue() + ")");
            }
        } catch (SQLException e) {
            LOG.warn("could not restore the autovacuum settings {} after a seed: {}", settings, e.getMessage());
        }
    }

    private record CopyOutcome(long media, long generateNanos, long copyNanos) {}

    private CopyOutcome copy(long count, LongFunction<Listing> source, SerialProgress progress) {
        long chunkRows = options.chunkRows();
        long chunks = (count + chunkRows - 1) / chunkRows;
        int streams = (int) Math.max(1, Math.min(options.streams(), chunks));
        AtomicLong nextChunk = new AtomicLong();
        AtomicLong rowsDone = new AtomicLong();
        AtomicLong media = new AtomicLong();
        AtomicLong generateNanos = new AtomicLong();
        AtomicLong copyNanos = new AtomicLong();
        AtomicBoolean failed = new AtomicBoolean();
        progress.report(SeedPhase.COPY, 0, count);
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(streams, Thread.ofPlatform().name("seed-copy-", 0).daemon().factory())) {
            for (int s = 0; s < streams; s++) {
                futures.add(pool.submit(() -> {
                    try (Connection c = connect(jdbcUrl, user, password)) {
                        execute(c, "SET synchronous_commit = off");
                        CopyManager copier = c.unwrap(PGConnection.class).getCopyAPI();
                        StringBuilder rows = new StringBuilder(BATCH_ROWS * 400);
                        StringBuilder photos = new StringBuilder((int) Math.min(chunkRows, 100_000) * 110);
                        for (long chunk; !failed.get() && (chunk = nextChunk.getAndIncrement()) < chunks; ) {
                            long from = chunk * chunkRows;
                            long to = Math.min(count, from + chunkRows);
                            photos.setLength(0);
                            long chunkMedia = 0;
                            CopyIn in = copier.copyIn(CopyRows.COPY_LISTINGS);
                            try {
                                for (long i = from; i < to; ) {
                                    long t0 = System.nanoTime();
                                    rows.setLength(0);
                                    for (long end = Math.min(to, i + BATCH_ROWS); i < end; i++) {
                                        Listing listing = source.apply(i);
                                        CopyRows.appendListing(rows, listing);
                                        if (CopyRows.appendCoverPhoto(photos, listing)) {
                                            chunkMedia++;
                                        }
                                    }
                                    byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
                                    long t1 = System.nanoTime();
                                    in.writeToCopy(bytes, 0, bytes.length);
                                    generateNanos.addAndGet(t1 - t0);
                                    copyNanos.addAndGet(System.nanoTime() - t1);
                                }
                                long t2 = System.nanoTime();
                                in.endCopy();
                                if (chunkMedia > 0) {
                                    byte[] bytes = photos.toString().getBytes(StandardCharsets.UTF_8);
                                    CopyIn mediaIn = copier.copyIn(CopyRows.COPY_MEDIA);
                                    try {
                                        mediaIn.writeToCopy(bytes, 0, bytes.length);
                                        mediaIn.endCopy();
                                    } finally {
                                        if (mediaIn.isActive()) {
                                            mediaIn.cancelCopy();
                                        }
                                    }
                                }
                                copyNanos.addAndGet(System.nanoTime() - t2);
                            } finally {
                                if (in.isActive()) {
                                    in.cancelCopy();
                                }
                            }
                            media.addAndGet(chunkMedia);
                            progress.report(SeedPhase.COPY, rowsDone.addAndGet(to - from), count);
                        }
                        return null;
                    } catch (Exception | Error e) {
                        failed.set(true);
                        throw e;
                    }
                }));
            }
        }
        Throwable first = firstFailure(futures);
        if (first != null) {
            throw new SeedException(SeedPhase.COPY, rowsDone.get(), "a COPY stream failed: " + first.getMessage(), first);
        }
        return new CopyOutcome(media.get(), generateNanos.get(), copyNanos.get());
    }

    /** A statement of the index or analyze phase, with the name its time is reported under. */
    private record Step(String name, String sql) {}

    private void rebuild(List<DeferredStructure> deferred, SerialProgress progress, long rows,
            Map<String, Duration> timings) {
        List<Step> indexes = deferred.stream().filter(d -> !d.constraint()).map(d -> new Step(d.name(), d.create())).toList();
        List<Step> constraints = deferred.stream().filter(DeferredStructure::constraint)
                .map(d -> new Step(d.name(), d.create())).toList();
        int total = deferred.size();
        progress.report(SeedPhase.INDEX, 0, total);
        AtomicLong done = new AtomicLong();
        Runnable step = () -> progress.report(SeedPhase.INDEX, done.incrementAndGet(), total);
        runParallel(SeedPhase.INDEX, rows, indexes, options.streams(), step, true, timings);
        runParallel(SeedPhase.INDEX, rows, List.of(new Step("register listing_keys", REGISTER_KEYS)), 1, () -> { }, true,
                timings);
        runParallel(SeedPhase.INDEX, rows, constraints, 1, step, true, timings);
    }

    private void analyze(SerialProgress progress, long rows, Map<String, Duration> timings) {
        List<Step> steps = List.of(new Step("VACUUM (ANALYZE) listings", "VACUUM (ANALYZE) listings"),
                new Step("VACUUM (ANALYZE) media", "VACUUM (ANALYZE) media"),
                new Step("VACUUM (ANALYZE) listing_keys", "VACUUM (ANALYZE) listing_keys"));
        progress.report(SeedPhase.ANALYZE, 0, steps.size());
        AtomicLong done = new AtomicLong();
        runParallel(SeedPhase.ANALYZE, rows, steps, options.streams(),
                () -> progress.report(SeedPhase.ANALYZE, done.incrementAndGet(), steps.size()), false, timings);
    }

    /** Runs independent statements on up to {@code parallelism} connections, taking them in list order. */
    private void runParallel(SeedPhase phase, long rows, List<Step> steps, int parallelism, Runnable afterEach,
            boolean maintenance, Map<String, Duration> timings) {
        if (steps.isEmpty()) {
            return;
        }
        int workers = Math.min(parallelism, steps.size());
        ConcurrentLinkedQueue<Step> queue = new ConcurrentLinkedQueue<>(steps);
        List<Future<?>> futures = new ArrayList<>();
        String threadName = "seed-" + phase.name().toLowerCase(Locale.ROOT) + "-";
        try (ExecutorService pool = Executors.newFixedThreadPool(workers, Thread.ofPlatform().name(threadName, 0).daemon().factory())) {
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    try (Connection c = connect(jdbcUrl, user, password)) {
                        if (maintenance) {
                            execute(c, "SET maintenance_work_mem = '" + options.maintenanceWorkMem() + "'");
                            if (workers > 1) {
                                // Builds already run side by side; parallel workers per build would only oversubscribe the cores.
                                execute(c, "SET max_parallel_maintenance_workers = 0");
                            }
                        }
                        for (Step step; (step = queue.poll()) != null; ) {
                            long t0 = System.nanoTime();
                            try {
                                execute(c, step.sql());
                            } catch (SQLException e) {
                                throw new SQLException(e.getMessage() + " (while running: " + step.sql() + ")",
                                        e.getSQLState(), e);
                            }
                            timings.put(step.name(), Duration.ofNanos(System.nanoTime() - t0));
                            afterEach.run();
                        }
                    }
                    return null;
                }));
            }
        }
        Throwable first = firstFailure(futures);
        if (first != null) {
            throw new SeedException(phase, rows, first.getMessage(), first);
        }
    }

    private void restoreAfterFailure(List<DeferredStructure> deferred) {
        try (Connection c = connect(jdbcUrl, user, password)) {
            try {
                execute(c, REGISTER_KEYS + " ON CONFLICT DO NOTHING");
            } catch (SQLException e) {
                LOG.warn("could not register the keys of the rows a failed seed loaded: {}", e.getMessage());
            }
            Set<String> present = new HashSet<>();
            DeferredStructure.read(c).forEach(d -> present.add(d.name()));
            for (DeferredStructure d : deferred) {
                if (present.contains(d.name())) {
                    continue;
                }
                try {
                    execute(c, d.create());
                } catch (SQLException e) {
                    LOG.warn("could not re-create {} after a failed seed ({}); re-create it with: {}", d.name(),
                            e.getMessage(), d.create());
                }
            }
        } catch (SQLException e) {
            LOG.warn("could not reconnect to re-create {} indexes and constraints after a failed seed: {}",
                    deferred.size(), e.getMessage());
        }
    }

    private static Throwable firstFailure(List<Future<?>> futures) {
        Throwable first = null;
        for (Future<?> f : futures) {
            if (f.state() == Future.State.FAILED) {
                Throwable t = f.exceptionNow();
                if (first == null) {
                    first = t;
                } else {
                    first.addSuppressed(t);
                }
            }
        }
        return first;
    }

    private static boolean hasListings(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM listings)")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "hexproperty-seed");
        return DriverManager.getConnection(url, props);
    }

    /** JDBC URLs may carry a password parameter; messages must not. */
    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /** Serializes progress callbacks from the streams, as {@link SeedProgress} promises. */
    private static final class SerialProgress {
        private final SeedProgress delegate;

        SerialProgress(SeedProgress delegate) {
            this.delegate = delegate;
        }

        synchronized void report(SeedPhase phase, long done, long total) {
            delegate.onProgress(phase, done, total);
        }
    }
}
