package io.hexproperty.database.ops.slowqueries;

import io.hexproperty.database.DatabaseConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SlowQuerySampler} with JDBC captures on one virtual thread. */
final class PgSlowQuerySampler implements SlowQuerySampler {
    private static final Logger LOG = LoggerFactory.getLogger(SlowQuerySampler.class);
    /** One capture running and one waiting; more slow statements meanwhile are dropped (counted). */
    private static final int MAX_WAITING = 2;
    private static final String STATISTICS = """
            SELECT s.query, s.max_exec_time, s.calls
            FROM pg_stat_statements s
            WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND s.max_exec_time >= ? AND s.query ~* '^\\s*(SELECT|WITH)\\M'
              AND s.query !~* '\\m(pg_[a-z_]+|information_schema|flyway_schema_history)\\M'
            ORDER BY s.max_exec_time DESC
            LIMIT 20""";

    private static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("\\$([0-9]+)");

    private final DatabaseConfig database;
    private final SlowQueryConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("slow-query-sampler").factory());
    private final AtomicInteger waiting = new AtomicInteger();
    private final Map<String, Instant> lastCapture = new ConcurrentHashMap<>();
    private final Deque<SlowQuerySample> samples = new ArrayDeque<>();

    PgSlowQuerySampler(DatabaseConfig database, SlowQueryConfig config, Clock clock, MeterRegistry registry) {
        this.database = Objects.requireNonNull(database, "database");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void observe(String sql, Tuple params, long nanos) {
        if (nanos < config.threshold().toNanos() || !due(sql)) {
            return;
        }
        if (waiting.incrementAndGet() > MAX_WAITING) {
            waiting.decrementAndGet();
            Counter.builder("db.slow.dropped").register(registry).increment();
            return;
        }
        List<String> values = new ArrayList<>(params.size());
        for (int i = 0; i < params.size(); i++) {
            Object v = params.getValue(i);
            values.add(v == null ? null : v.toString());
        }
        List<Object> raw = new ArrayList<>(params.size());
        for (int i = 0; i < params.size(); i++) {
            raw.add(params.getValue(i));
        }
        double tookMs = nanos / 1e6;
        try {
            executor.execute(() -> {
                try {
                    add(new SlowQuerySample(clock.instant(), "store", sql, values, tookMs, true, explainAnalyze(sql, raw)));
                } finally {
                    waiting.decrementAndGet();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            waiting.decrementAndGet(); // closed
        }
    }

    /** At most one capture per statement text per interval. */
    private boolean due(String sql) {
        Instant now = clock.instant();
        boolean[] due = {false};
        lastCapture.compute(sql, (k, last) -> {
            if (last == null || !now.isBefore(last.plus(config.perStatement()))) {
                due[0] = true;
                return now;
            }
            return last;
        });
        return due[0];
    }

    /**
     * EXPLAIN ANALYZE of the statement with the values it ran with, bound as parameters over the
     * extended protocol (each {@code $n} becomes a JDBC {@code ?} bound to value n), never pasted into
     * the EXPLAIN text: a value cannot change what the statement is, whatever it contains.
     */
    private String explainAnalyze(String sql, List<Object> params) {
        java.util.regex.Matcher placeholder = PLACEHOLDER.matcher(sql);
        StringBuilder jdbc = new StringBuilder("EXPLAIN (ANALYZE, BUFFERS) ");
        List<Object> bound = new ArrayList<>();
        while (placeholder.find()) {
            int n = Integer.parseInt(placeholder.group(1));
            if (n < 1 || n > params.size()) {
                return "(no plan: the statement names $" + n + " but ran with " + params.size() + " values)";
            }
            placeholder.appendReplacement(jdbc, "?");
            bound.add(bindable(params.get(n - 1)));
        }
        placeholder.appendTail(jdbc);
        try (Connection c = connect(false)) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL statement_timeout = " + config.explainTimeout().toMillis());
            }
            try (PreparedStatement explain = c.prepareStatement(jdbc.toString())) {
                for (int i = 0; i < bound.size(); i++) {
                    explain.setObject(i + 1, bound.get(i));
                }
                try (ResultSet rs = explain.executeQuery()) {
                    return lines(rs);
                }
            } finally {
                c.rollback(); // read-only anyway; ANALYZE of a write would be undone too
            }
        } catch (SQLException e) {
            LOG.warn("could not EXPLAIN a slow statement: {}", e.getMessage());
            return "(no plan: " + e.getMessage().lines().findFirst().orElse("") + ")";
        }
    }

    @Override
    public int captureFromStatistics() throws SQLException {
        int captured = 0;
        try (Connection c = connect(true); PreparedStatement ps = c.prepareStatement(STATISTICS)) {
            ps.setDouble(1, config.threshold().toNanos() / 1e6);
            List<String[]> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new String[] {rs.getString(1), Double.toString(rs.getDouble(2))});
                }
            }
            for (String[] f : found) {
                if (!due(f[0])) {
                    continue;
                }
                boolean parameters = f[0].matches("(?s).*\\$[0-9]+.*");
                String plan;
                try (Statement st = c.createStatement()) {
                    c.setAutoCommit(false);
                    c.setReadOnly(true);
                    st.execute("SET LOCAL statement_timeout = " + config.explainTimeout().toMillis());
                    try (ResultSet rs = st.executeQuery((parameters ? "EXPLAIN (GENERIC_PLAN) " : "EXPLAIN (ANALYZE, BUFFERS) ") + f[0])) {
                        plan = lines(rs);
                    } catch (SQLException e) {
                        plan = "(no plan: " + e.getMessage().lines().findFirst().orElse("") + ")";
                    } finally {
                        c.rollback();
                        c.setReadOnly(false);
                        c.setAutoCommit(true);
                    }
                }
                add(new SlowQuerySample(clock.instant(), "pg_stat_statements", f[0], List.of(), Double.parseDouble(f[1]),
                        !parameters && !plan.startsWith("(no plan"), plan));
                captured++;
            }
        }
        return captured;
    }

    private void add(SlowQuerySample sample) {
        Counter.builder("db.slow.captured").tag("source", sample.source()).register(registry).increment();
        LOG.info("slow statement ({} ms, {}) captured: {}", String.format(java.util.Locale.ROOT, "%.1f", sample.tookMs()),
                sample.source(), sample.sql().length() > 200 ? sample.sql().substring(0, 200) + "..." : sample.sql());
        synchronized (samples) {
            samples.addFirst(sample);
            while (samples.size() > config.keep()) {
                samples.removeLast();
            }
        }
    }

    @Override
    public List<SlowQuerySample> recent() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public String json() {
        JsonArray list = new JsonArray();
        recent().forEach(s -> list.add(s.toJson()));
        return new JsonObject().put("thresholdMs", config.threshold().toMillis()).put("samples", list).encode();
    }

    @Override
    public void drain() throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        executor.execute(done::countDown);
        done.await();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Simple protocol for statement texts that carry $n placeholders, which must reach the server as text. */
    private Connection connect(boolean simple) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", database.user());
        props.setProperty("password", database.password());
        // bound strings arrive untyped, so PostgreSQL coerces them to the prepared statement's parameter types
        props.setProperty("stringtype", "unspecified");
        if (simple) {
            props.setProperty("preferQueryMode", "simple");
        }
        return DriverManager.getConnection(database.jdbcUrl(), props);
    }

    private static String lines(ResultSet rs) throws SQLException {
        StringBuilder b = new StringBuilder();
        while (rs.next()) {
            b.append(rs.getString(1)).append('\n');
        }
        return b.toString();
    }

    /** What pgjdbc can bind for a value of the reactive client's tuple (its java.time and array types bind as they are). */
    private static Object bindable(Object v) {
        return v instanceof io.vertx.core.buffer.Buffer b ? b.getBytes() : v;
    }
}
