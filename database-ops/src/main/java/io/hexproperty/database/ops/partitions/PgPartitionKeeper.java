package io.hexproperty.database.ops.partitions;

import io.hexproperty.database.DatabaseConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link PartitionKeeper} over JDBC: one transaction per table, under an advisory lock. */
final class PgPartitionKeeper implements PartitionKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionKeeper.class);
    /** Advisory lock key shared by every node's keeper ("HXPART"). */
    private static final long LOCK_KEY = 0x4858_5041_5254L;
    private static final String PARTITIONS = "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            + " WHERE i.inhparent = to_regclass(?)";

    private final DatabaseConfig database;
    private final PartitionKeeperConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private ScheduledExecutorService scheduler;

    PgPartitionKeeper(DatabaseConfig database, PartitionKeeperConfig config, Clock clock, MeterRegistry registry) {
        this.database = Objects.requireNonNull(database, "database");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public PartitionChanges roll() {
        List<String> created = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        for (PartitionPolicy policy : config.policies()) {
            try {
                roll(policy, today, created, dropped);
            } catch (SQLException e) {
                failed.add(policy.table());
                counter("db.partitions.failures", policy.table()).increment();
                LOG.warn("partition upkeep of {} failed, retried at the next run in {}: {} (SQLSTATE {})", policy.table(),
                        config.interval(), e.getMessage(), e.getSQLState());
            }
        }
        return new PartitionChanges(created, dropped, failed);
    }

    private void roll(PartitionPolicy policy, LocalDate today, List<String> created, List<String> dropped) throws SQLException {
        List<String> createdHere = new ArrayList<>();
        List<String> droppedHere = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password())) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL lock_timeout = " + config.lockTimeout().toMillis());
                st.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
                TreeSet<YearMonth> existing = existing(c, policy);
                YearMonth current = YearMonth.from(today);
                for (int i = 0; i <= policy.monthsAhead(); i++) {
                    YearMonth month = current.plusMonths(i);
                    if (!existing.contains(month)) {
                        st.execute("CREATE TABLE " + name(policy, month) + " PARTITION OF " + policy.table()
                                + " FOR VALUES FROM (" + bound(policy, month) + ") TO (" + bound(policy, month.plusMonths(1)) + ")");
                        createdHere.add(name(policy, month));
                    }
                }
                LocalDate cutoff = today.minusMonths(policy.retentionMonths());
                for (YearMonth month : existing) {
                    // Only whole months: the partition goes once its last day is older than the retention.
                    if (!month.plusMonths(1).atDay(1).isAfter(cutoff)) {
                        st.execute("DROP TABLE " + name(policy, month));
                        droppedHere.add(name(policy, month));
                    }
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
        for (String name : createdHere) {
            counter("db.partitions.created", policy.table()).increment();
            LOG.info("created partition {} of {} ({} months ahead kept)", name, policy.table(), policy.monthsAhead());
        }
        for (String name : droppedHere) {
            counter("db.partitions.dropped", policy.table()).increment();
            LOG.info("dropped partition {} of {}: older than the retention of {} months", name, policy.table(),
                    policy.retentionMonths());
        }
        created.addAll(createdHere);
        dropped.addAll(droppedHere);
    }

    /** The months of the partitions named {@code <table>_pYYYY_MM}; others (hand-made ones) are left alone. */
    private static TreeSet<YearMonth> existing(Connection c, PartitionPolicy policy) throws SQLException {
        Pattern pattern = Pattern.compile(Pattern.quote(policy.table()) + "_p(\\d{4})_(\\d{2})");
        TreeSet<YearMonth> months = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, policy.table());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new SQLException("table " + policy.table() + " does not exist (are the migrations applied?)", "42P01");
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(PARTITIONS)) {
            ps.setString(1, policy.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Matcher m = pattern.matcher(rs.getString(1));
                    if (m.matches()) {
                        months.add(YearMonth.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
                    }
                }
            }
        }
        return months;
    }

    private static String name(PartitionPolicy policy, YearMonth month) {
        return "%s_p%04d_%02d".formatted(policy.table(), month.getYear(), month.getMonthValue());
    }

    private static String bound(PartitionPolicy policy, YearMonth month) {
        String day = month.atDay(1).toString();
        return policy.timestampBounds() ? "'" + day + " 00:00:00+00'" : "'" + day + "'";
    }

    private Counter counter(String name, String table) {
        return Counter.builder(name).tag("table", table).register(registry);
    }

    @Override
    public synchronized void start() {
        if (scheduler != null) {
            throw new IllegalStateException("partition keeper already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("partition-keeper").factory());
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                roll();
            } catch (RuntimeException e) {
                // A scheduled task that throws is never run again; keep the daily run alive.
                LOG.warn("partition upkeep failed: {}", e.toString(), e);
            }
        }, 0, config.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
