package io.hexproperty.database.ops.maintenance;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.ops.maintenance.MaintenanceOutcome.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link MaintenanceScheduler} over JDBC. */
final class PgMaintenanceScheduler implements MaintenanceScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceScheduler.class);
    /** Session advisory lock shared by every node's scheduler ("HXMAINT"). */
    private static final long LOCK_KEY = 0x4858_4D41_494E_54L;

    private static final String TABLES = """
            SELECT s.relid::regclass::text, s.n_live_tup, s.n_dead_tup, s.n_mod_since_analyze,
                   greatest(s.last_vacuum, s.last_autovacuum), greatest(s.last_analyze, s.last_autoanalyze),
                   EXISTS (SELECT 1 FROM pg_stat_progress_vacuum p WHERE p.relid = s.relid)
            FROM pg_stat_user_tables s
            ORDER BY 1""";

    // Key width per index entry from pg_stats (plain columns from the table's statistics, expression
    // columns from the index's own), for the size estimate below.
    private static final String INDEXES = """
            SELECT c.oid::regclass::text, t.oid::regclass::text, pg_relation_size(c.oid), c.reltuples::float8,
                   (SELECT coalesce(sum(s.avg_width), 0) FROM pg_attribute a
                    JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = t.relname AND s.attname = a.attname
                                   AND NOT s.inherited
                    WHERE a.attrelid = t.oid AND a.attnum > 0 AND a.attnum = ANY (i.indkey::int2[]))
                 + (SELECT coalesce(sum(s.avg_width), 0) FROM pg_stats s
                    WHERE s.schemaname = n.nspname AND s.tablename = c.relname),
                   current_setting('block_size')::int, c.oid
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_am am ON am.oid = c.relam
            WHERE am.amname = 'btree' AND c.relkind = 'i' AND i.indisvalid AND c.reltuples >= 0
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
            ORDER BY 1""";

    private final DatabaseConfig database;
    private final MaintenanceConfig config;
    private final DoubleSupplier p99Millis;
    private final Clock clock;
    private final MeterRegistry registry;
    private final MaintenancePlanner planner;
    /** Guards start/close apart from runOnce's monitor, so close does not wait for a running VACUUM. */
    private final Object lifecycle = new Object();
    private ScheduledExecutorService scheduler;
    /** The database's size at the last check, -1 before the first: its trend is watched in soak runs. */
    private final java.util.concurrent.atomic.AtomicLong sizeBytes = new java.util.concurrent.atomic.AtomicLong(-1);

    PgMaintenanceScheduler(DatabaseConfig database, MaintenanceConfig config, DoubleSupplier p99Millis, Clock clock,
                           MeterRegistry registry) {
        this.database = Objects.requireNonNull(database, "database");
        this.config = Objects.requireNonNull(config, "config");
        this.p99Millis = Objects.requireNonNull(p99Millis, "p99Millis");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.planner = new MaintenancePlanner(config.thresholds());
        io.micrometer.core.instrument.Gauge.builder("db.size", sizeBytes, v -> v.get() < 0 ? Double.NaN : v.get())
                .tag("server", database.host() + ":" + database.port()).baseUnit("bytes")
                .description("Size of the database on disk (pg_database_size), taken at each maintenance check")
                .register(registry);
    }

    @Override
    public List<MaintenanceAction> plan() throws SQLException {
        try (Connection c = connect()) {
            return plan(c);
        }
    }

    private List<MaintenanceAction> plan(Connection c) throws SQLException {
        return planner.plan(tables(c), indexes(c, config.thresholds().minBloatBytes()));
    }

    @Override
    public synchronized MaintenanceOutcome runOnce() {
        Instant start = clock.instant();
        try (Connection c = connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT pg_database_size(current_database())")) {
                rs.next();
                sizeBytes.set(rs.getLong(1));
            }
            List<MaintenanceAction> due = plan(c);
            if (due.isEmpty()) {
                return new MaintenanceOutcome(Status.IDLE, Optional.empty(), Duration.ZERO, "nothing due");
            }
            MaintenanceAction action = due.getFirst();
            double p99 = p99Millis.getAsDouble();
            double slo = config.sloP99().toNanos() / 1e6;
            if (!Double.isNaN(p99) && p99 > slo) {
                Counter.builder("db.maintenance.postponed").register(registry).increment();
                String detail = String.format(java.util.Locale.ROOT, "p99 %.1f ms above the SLO of %.0f ms", p99, slo);
                LOG.info("maintenance postponed: {} ({} due; next: {})", detail, due.size(), action);
                return new MaintenanceOutcome(Status.POSTPONED, Optional.of(action), Duration.ZERO, detail);
            }
            return locked(st, action, due.size());
        } catch (SQLException e) {
            LOG.warn("maintenance check failed: {} (SQLSTATE {})", e.getMessage(), e.getSQLState());
            return new MaintenanceOutcome(Status.FAILED, Optional.empty(), Duration.between(start, clock.instant()), e.getMessage());
        }
    }

    @Override
    public synchronized MaintenanceOutcome run(MaintenanceAction action) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            return locked(st, action, 1);
        } catch (SQLException e) {
            LOG.warn("maintenance: {} not run: {} (SQLSTATE {})", action.sql(), e.getMessage(), e.getSQLState());
            return new MaintenanceOutcome(Status.FAILED, Optional.of(action), Duration.ZERO, e.getMessage());
        }
    }

    private MaintenanceOutcome locked(Statement st, MaintenanceAction action, int due) throws SQLException {
        if (!tryLock(st)) {
            return new MaintenanceOutcome(Status.BUSY, Optional.of(action), Duration.ZERO,
                    "another node holds the maintenance lock");
        }
        try {
            return execute(st, action, due);
        } finally {
            st.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
        }
    }

    private MaintenanceOutcome execute(Statement st, MaintenanceAction action, int due) {
        LOG.info("maintenance: {} (1 of {} due)", action, due);
        Optional<java.nio.file.Path> backend = BackendUsage.locate(st);
        Optional<BackendUsage> before = backend.flatMap(BackendUsage::read);
        long t0 = System.nanoTime();
        try {
            // Maintenance may take minutes; the session default timeout (if any) must not cut it.
            st.execute("SET statement_timeout = 0");
            st.execute(action.sql());
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            Counter.builder("db.maintenance.actions").tag("action", action.kind().tag()).tag("table", action.table())
                    .register(registry).increment();
            Timer.builder("db.maintenance.duration").tag("action", action.kind().tag()).register(registry).record(took);
            String usage = recordUsage(action, backend, before);
            LOG.info("maintenance: {} done in {} ms{}", action.sql(), took.toMillis(), usage);
            return new MaintenanceOutcome(Status.DONE, Optional.of(action), took, action.reason());
        } catch (SQLException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            Counter.builder("db.maintenance.failures").tag("action", action.kind().tag()).tag("table", action.table())
                    .register(registry).increment();
            recordUsage(action, backend, before);
            LOG.warn("maintenance: {} failed after {} ms: {} (SQLSTATE {})", action.sql(), took.toMillis(), e.getMessage(),
                    e.getSQLState());
            return new MaintenanceOutcome(Status.FAILED, Optional.of(action), took, e.getMessage());
        }
    }

    /** The I/O and CPU the action's backend used (a failed action's too), when it is a readable local process. */
    private String recordUsage(MaintenanceAction action, Optional<java.nio.file.Path> backend, Optional<BackendUsage> before) {
        if (before.isEmpty()) {
            return "";
        }
        Optional<BackendUsage> after = backend.flatMap(BackendUsage::read);
        if (after.isEmpty()) {
            return "";
        }
        BackendUsage used = after.get().minus(before.get());
        String tag = action.kind().tag();
        String io = "Bytes a maintenance action's PostgreSQL backend read and wrote through read()/write() "
                + "(page-cache hits and WAL included), by action and direction";
        String disk = "Bytes a maintenance action's PostgreSQL backend fetched from and sent to storage, by action and direction";
        ioCounter("db.maintenance.io", tag, "read", io).increment(used.readBytes());
        ioCounter("db.maintenance.io", tag, "write", io).increment(used.writeBytes());
        ioCounter("db.maintenance.disk.io", tag, "read", disk).increment(used.diskReadBytes());
        ioCounter("db.maintenance.disk.io", tag, "write", disk).increment(used.diskWriteBytes());
        Counter.builder("db.maintenance.cpu").tag("action", tag).baseUnit("seconds")
                .description("CPU time (user + system) of a maintenance action's PostgreSQL backend, by action")
                .register(registry).increment(used.cpuSeconds());
        return String.format(java.util.Locale.ROOT, " (backend read %d B, wrote %d B, storage %d B in / %d B out, CPU %.2f s)",
                used.readBytes(), used.writeBytes(), used.diskReadBytes(), used.diskWriteBytes(), used.cpuSeconds());
    }

    private Counter ioCounter(String name, String action, String direction, String help) {
        return Counter.builder(name).tag("action", action).tag("direction", direction).baseUnit("bytes").description(help)
                .register(registry);
    }

    private static boolean tryLock(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static List<TableStats> tables(Connection c) throws SQLException {
        List<TableStats> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(TABLES)) {
            while (rs.next()) {
                out.add(new TableStats(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), instant(rs.getTimestamp(5)),
                        instant(rs.getTimestamp(6)), rs.getBoolean(7)));
            }
        }
        return out;
    }

    /**
     * B-tree bloat: with pgstattuple, 1 - leaf density / 90% (the default fill factor), read from the
     * index itself (only for indexes big enough to matter, as it reads every page); otherwise the
     * estimate of the well-known bloat queries: entries of (8-byte header + key width, aligned, plus
     * a 4-byte line pointer) packed 90% full into 8 kB pages, against the pages the index has.
     */
    static List<IndexStats> indexes(Connection c, long minBytes) throws SQLException {
        boolean pgstattuple;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT 1 FROM pg_extension WHERE extname = 'pgstattuple'")) {
            pgstattuple = rs.next();
        }
        List<IndexStats> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(INDEXES)) {
            while (rs.next()) {
                String index = rs.getString(1);
                String table = rs.getString(2);
                long bytes = rs.getLong(3);
                double tuples = rs.getDouble(4);
                double keyWidth = rs.getDouble(5);
                int blockSize = rs.getInt(6);
                long oid = rs.getLong(7);
                if (pgstattuple && bytes >= minBytes) {
                    out.add(new IndexStats(index, table, bytes, measured(c, oid, bytes), "pgstattuple"));
                } else {
                    out.add(new IndexStats(index, table, bytes, estimated(bytes, tuples, keyWidth, blockSize), "estimate"));
                }
            }
        }
        return out;
    }

    static long estimated(long bytes, double tuples, double keyWidth, int blockSize) {
        if (keyWidth <= 0 || bytes == 0) {
            return 0; // no statistics yet: no estimate
        }
        double entry = align8(8 + keyWidth) + 4;
        double usable = (blockSize - 24 - 16) * 0.90;
        double leafPages = Math.ceil(tuples * entry / usable);
        double expectedPages = 1 + leafPages + Math.ceil(leafPages * entry / usable);
        long pages = bytes / blockSize;
        return (long) Math.max(0, pages - expectedPages) * blockSize;
    }

    private static double align8(double v) {
        return Math.ceil(v / 8) * 8;
    }

    private static long measured(Connection c, long oid, long bytes) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT avg_leaf_density FROM pgstatindex(" + oid + "::regclass)")) {
            rs.next();
            double density = rs.getDouble(1);
            return Double.isNaN(density) ? 0 : (long) (bytes * Math.max(0, 1 - density / 90.0));
        }
    }

    private static Optional<Instant> instant(Timestamp t) {
        return Optional.ofNullable(t).map(Timestamp::toInstant);
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (scheduler != null) {
                throw new IllegalStateException("maintenance scheduler already started");
            }
            scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("db-maintenance").factory());
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    runOnce();
                } catch (RuntimeException e) {
                    LOG.warn("maintenance check failed: {}", e.toString(), e);
                }
            }, config.interval().toMillis(), config.interval().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService s;
        synchronized (lifecycle) {
            s = scheduler;
            scheduler = null;
        }
        if (s != null) {
            s.shutdownNow();
        }
    }
}
