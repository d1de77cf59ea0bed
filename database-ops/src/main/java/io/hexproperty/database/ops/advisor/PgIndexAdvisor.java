package io.hexproperty.database.ops.advisor;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.ops.advisor.Advice.DuplicateIndex;
import io.hexproperty.database.ops.advisor.Advice.MissingIndex;
import io.hexproperty.database.ops.advisor.Advice.SlowQuery;
import io.hexproperty.database.ops.advisor.Advice.StatisticsSuggestion;
import io.hexproperty.database.ops.advisor.Advice.UnusedIndex;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link IndexAdvisor} over the statistics views; every query here is read-only. */
final class PgIndexAdvisor implements IndexAdvisor {
    private static final Pattern SEQ_SCAN = Pattern.compile("Seq Scan on (\\S+)");
    private static final Pattern FILTER = Pattern.compile("^\\s*Filter: (.*)$");
    /** A column (or lower(column)) compared with an operator; group 3 is the operator. */
    private static final Pattern PREDICATE = Pattern.compile(
            "(?:\\(|\\s|^)((?:lower\\()?([a-z_][a-z0-9_]*)\\)?)\\s*(=|<>|<=|>=|<|>|~~\\*?|@@|<@)\\s");
    private static final Pattern TOTAL_COST = Pattern.compile("cost=[0-9.]+\\.\\.([0-9.]+)");
    private static final Pattern ROWS = Pattern.compile("rows=([0-9]+)");
    /** Utility and maintenance statements have no plan and are no index question. */
    private static final String PLANNABLE = "^\\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\\M";

    private static final String SLOW = """
            SELECT s.queryid::text, s.query, s.calls, s.mean_exec_time, s.max_exec_time, s.total_exec_time, s.rows,
                   s.shared_blks_hit, s.shared_blks_read
            FROM pg_stat_statements s
            WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND s.query ~* ? AND s.query !~* '\\m(pg_[a-z_]+|information_schema|flyway_schema_history)\\M'
            ORDER BY s.total_exec_time DESC""";

    private static final String UNUSED = """
            WITH leaf AS (
                SELECT s.indexrelid, s.idx_scan,
                       coalesce((SELECT h.inhparent FROM pg_inherits h WHERE h.inhrelid = s.indexrelid), s.indexrelid) AS root
                FROM pg_stat_user_indexes s)
            SELECT r.indrelid::regclass::text, r.indexrelid::regclass::text, sum(pg_relation_size(leaf.indexrelid)),
                   pg_get_indexdef(r.indexrelid)
            FROM leaf JOIN pg_index r ON r.indexrelid = leaf.root
            WHERE NOT r.indisunique AND NOT r.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = r.indexrelid)
            GROUP BY r.indrelid, r.indexrelid
            HAVING sum(leaf.idx_scan) = 0
            ORDER BY 3 DESC, 2""";

    // a is redundant when b has the same leading key columns, operator classes and orderings
    // (B-tree, no predicate); an exact pair of non-unique indexes is reported once.
    private static final String DUPLICATES = """
            SELECT a.indrelid::regclass::text, a.indexrelid::regclass::text, b.indexrelid::regclass::text,
                   a.indkey::text = b.indkey::text AND a.indclass::text = b.indclass::text
                       AND a.indoption::text = b.indoption::text AS exact,
                   pg_relation_size(a.indexrelid) + coalesce((SELECT sum(pg_relation_size(h.inhrelid))
                       FROM pg_inherits h WHERE h.inhparent = a.indexrelid), 0)
            FROM pg_index a
            JOIN pg_index b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid
            JOIN pg_class ca ON ca.oid = a.indexrelid
            JOIN pg_class cb ON cb.oid = b.indexrelid
            JOIN pg_namespace n ON n.oid = ca.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
              AND NOT ca.relispartition
              AND ca.relam = (SELECT oid FROM pg_am WHERE amname = 'btree') AND cb.relam = ca.relam
              AND NOT a.indisunique AND a.indpred IS NULL AND b.indpred IS NULL
              AND ((a.indexprs IS NULL AND b.indexprs IS NULL)
                   OR (a.indkey::text = b.indkey::text
                       AND pg_get_expr(a.indexprs, a.indrelid) = pg_get_expr(b.indexprs, b.indrelid)))
              AND (' ' || b.indkey::text || ' ') LIKE (' ' || a.indkey::text || ' %')
              AND (' ' || b.indclass::text || ' ') LIKE (' ' || a.indclass::text || ' %')
              AND (' ' || b.indoption::text || ' ') LIKE (' ' || a.indoption::text || ' %')
              AND NOT (b.indisunique IS FALSE AND a.indkey::text = b.indkey::text
                       AND a.indclass::text = b.indclass::text AND a.indoption::text = b.indoption::text
                       AND a.indexrelid < b.indexrelid)
            ORDER BY 1, 2""";

    private static final String SEQ_SCANNED = """
            SELECT s.relid::regclass::text, s.n_live_tup, s.seq_scan, s.seq_tup_read / s.seq_scan
            FROM pg_stat_user_tables s
            WHERE s.n_live_tup >= ? AND s.seq_scan > 0 AND s.seq_tup_read / s.seq_scan >= ?
            ORDER BY s.seq_tup_read DESC""";

    private final DatabaseConfig database;
    private final AdviceConfig settings;
    private final Clock clock;

    PgIndexAdvisor(DatabaseConfig database, AdviceConfig settings, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Advice advise() throws SQLException {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", database.user());
        props.setProperty("password", database.password());
        // Simple protocol: the normalized statements carry $1..$n, which EXPLAIN (GENERIC_PLAN) must
        // receive as text; the extended protocol would expect values bound to them.
        props.setProperty("preferQueryMode", "simple");
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), props); Statement st = c.createStatement()) {
            c.setReadOnly(true);
            st.execute("SET statement_timeout = '30s'");
            List<String> notes = new ArrayList<>();
            String version = string(st, "SHOW server_version");
            int versionNum = Integer.parseInt(string(st, "SHOW server_version_num"));
            Optional<java.time.Instant> since = Optional.ofNullable(timestamp(st,
                    "SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()"));
            boolean pgss = exists(st, "SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'");
            boolean hypopg = exists(st, "SELECT 1 FROM pg_extension WHERE extname = 'hypopg'");
            if (!hypopg && exists(st, "SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'")) {
                notes.add("HypoPG is available but not installed: CREATE EXTENSION hypopg; lets advise verify candidates");
            }
            List<Observed> statements = new ArrayList<>();
            if (pgss) {
                try {
                    statements = statements(c, versionNum);
                } catch (SQLException e) {
                    pgss = false;
                    notes.add("pg_stat_statements is installed but unreadable (is it in shared_preload_libraries?): "
                            + e.getMessage());
                }
            } else {
                notes.add("pg_stat_statements is not installed: no slow queries, and missing-index candidates lack filter columns");
            }
            double slowMs = settings.slowMean().toNanos() / 1e6;
            List<SlowQuery> slow = statements.stream().filter(s -> s.query.meanMs() >= slowMs)
                    .limit(settings.maxSlowQueries()).map(Observed::query).toList();
            return new Advice(clock.instant(), version, since, pgss, hypopg, slow, unused(st), duplicates(st),
                    missing(c, st, statements, hypopg, versionNum), statistics(c, st, notes), notes);
        }
    }

    /** A pg_stat_statements entry with its plan (generic plan for normalized text, PostgreSQL 16+). */
    private record Observed(SlowQuery query) {}

    private List<Observed> statements(Connection c, int versionNum) throws SQLException {
        List<Observed> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SLOW + " LIMIT 200")) {
            ps.setString(1, PLANNABLE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long hit = rs.getLong(8);
                    long read = rs.getLong(9);
                    out.add(new Observed(new SlowQuery(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getDouble(4),
                            rs.getDouble(5), rs.getDouble(6), rs.getLong(7), hit + read == 0 ? 1.0 : hit / (double) (hit + read), "")));
                }
            }
        }
        List<Observed> planned = new ArrayList<>(out.size());
        for (Observed s : out) {
            planned.add(new Observed(withPlan(s.query, plan(c, s.query.query(), versionNum))));
        }
        return planned;
    }

    private static SlowQuery withPlan(SlowQuery q, String plan) {
        return new SlowQuery(q.queryId(), q.query(), q.calls(), q.meanMs(), q.maxMs(), q.totalMs(), q.rows(), q.hitRatio(), plan);
    }

    /** EXPLAIN without running the statement; its own savepoint so a failure leaves the connection usable. */
    private static String plan(Connection c, String query, int versionNum) {
        boolean parameters = query.matches("(?s).*\\$[0-9]+.*");
        String explain;
        if (!parameters) {
            explain = "EXPLAIN " + query;
        } else if (versionNum >= 160000) {
            explain = "EXPLAIN (GENERIC_PLAN) " + query;
        } else {
            return "(no plan: PostgreSQL " + versionNum / 10000 + " cannot plan a statement with parameters; 16+ can)";
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(explain)) {
            StringBuilder b = new StringBuilder();
            while (rs.next()) {
                b.append(rs.getString(1)).append('\n');
            }
            return b.toString();
        } catch (SQLException e) {
            return "(no plan: " + e.getMessage().lines().findFirst().orElse("") + ")";
        }
    }

    private static List<UnusedIndex> unused(Statement st) throws SQLException {
        List<UnusedIndex> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(UNUSED)) {
            while (rs.next()) {
                out.add(new UnusedIndex(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
            }
        }
        return out;
    }

    private static List<DuplicateIndex> duplicates(Statement st) throws SQLException {
        List<DuplicateIndex> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(DUPLICATES)) {
            while (rs.next()) {
                out.add(new DuplicateIndex(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getLong(5)));
            }
        }
        return out;
    }

    private List<MissingIndex> missing(Connection c, Statement st, List<Observed> statements, boolean hypopg, int versionNum)
            throws SQLException {
        record Scanned(String table, long live, long scans, long perScan) {}
        List<Scanned> scanned = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SEQ_SCANNED)) {
            ps.setLong(1, settings.bigTableRows());
            ps.setLong(2, settings.seqScanRows());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    scanned.add(new Scanned(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
            }
        }
        List<MissingIndex> out = new ArrayList<>();
        for (Scanned t : scanned) {
            // The statements whose plans scan this table sequentially, and the columns their filters compare.
            Map<String, String> columns = new LinkedHashMap<>();
            SlowQuery evidence = null;
            for (Observed s : statements) {
                Map<String, String> found = filterColumns(s.query.plan(), t.table);
                if (!found.isEmpty()) {
                    if (evidence == null) {
                        evidence = s.query;
                    }
                    found.forEach(columns::putIfAbsent);
                }
            }
            List<String> ordered = new ArrayList<>();
            columns.forEach((col, op) -> { if (op.equals("=")) ordered.add(col); });
            columns.forEach((col, op) -> { if (!op.equals("=") && !op.equals("@@") && !op.equals("<@") && !op.equals("~~")
                    && !op.equals("~~*")) ordered.add(col); });
            String suggestion = ordered.isEmpty() ? ""
                    : "CREATE INDEX CONCURRENTLY ON " + t.table + " (" + String.join(", ", ordered) + ");";
            double before = Double.NaN;
            double after = Double.NaN;
            if (hypopg && evidence != null && !ordered.isEmpty()) {
                before = cost(evidence.plan());
                after = hypotheticalCost(c, t.table, ordered, evidence.query(), versionNum);
            }
            out.add(new MissingIndex(t.table, t.live, t.scans, t.perScan, List.copyOf(columns.keySet()), suggestion, before,
                    after, evidence == null ? "" : "queryid " + evidence.queryId() + " (" + evidence.calls() + " calls)"));
        }
        return out;
    }

    /** Column (or lower(column)) to operator, from the Filter lines under sequential scans of {@code table}. */
    static Map<String, String> filterColumns(String plan, String table) {
        Map<String, String> columns = new LinkedHashMap<>();
        boolean inScan = false;
        for (String line : plan.split("\n")) {
            Matcher seq = SEQ_SCAN.matcher(line);
            if (seq.find()) {
                inScan = seq.group(1).equals(table) || seq.group(1).equals(unqualified(table));
                continue;
            }
            Matcher filter = FILTER.matcher(line);
            if (inScan && filter.matches()) {
                Matcher p = PREDICATE.matcher(filter.group(1));
                while (p.find()) {
                    columns.putIfAbsent(p.group(1), p.group(3));
                }
            } else if (line.contains("->")) {
                inScan = false;
            }
        }
        return columns;
    }

    private static String unqualified(String table) {
        int dot = table.lastIndexOf('.');
        return dot < 0 ? table : table.substring(dot + 1);
    }

    private static double cost(String plan) {
        Matcher m = TOTAL_COST.matcher(plan);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** The plan cost of {@code query} with a HypoPG hypothetical index (session-local, reset after). */
    private static double hypotheticalCost(Connection c, String table, List<String> columns, String query, int versionNum) {
        try (Statement st = c.createStatement()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT indexrelid FROM hypopg_create_index(?)")) {
                ps.setString(1, "CREATE INDEX ON " + table + " (" + String.join(", ", columns) + ")");
                ps.executeQuery().close();
            }
            try {
                return cost(plan(c, query, versionNum));
            } finally {
                st.execute("SELECT hypopg_reset()");
            }
        } catch (SQLException e) {
            return Double.NaN;
        }
    }

    private List<StatisticsSuggestion> statistics(Connection c, Statement st, List<String> notes) {
        List<StatisticsSuggestion> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : settings.correlatedColumns().entrySet()) {
            try {
                statistics(c, st, e.getKey(), e.getValue()).ifPresent(out::add);
            } catch (SQLException ex) {
                notes.add("extended statistics of " + e.getKey() + " " + e.getValue() + " not checked: "
                        + ex.getMessage().lines().findFirst().orElse(""));
            }
        }
        return out;
    }

    private Optional<StatisticsSuggestion> statistics(Connection c, Statement st, String table, List<String> columns)
            throws SQLException {
        if (existingStatistics(c, table)) {
            return Optional.empty();
        }
        double rows;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT greatest(sum(c.reltuples), 0) FROM pg_class c WHERE c.oid = ?::regclass"
                        + " OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = ?::regclass)")) {
            ps.setString(1, table);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                rows = rs.getDouble(1);
            }
        }
        if (rows < 1) {
            return Optional.empty();
        }
        // Distinct counts of each column and each pair, on a sample of about 50,000 rows.
        double percent = Math.min(100, 100 * 50_000 / rows);
        List<String> exprs = new ArrayList<>();
        columns.forEach(col -> exprs.add("count(DISTINCT " + col + ")"));
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            for (int j = i + 1; j < columns.size(); j++) {
                pairs.add(new int[] {i, j});
                exprs.add("count(DISTINCT (" + columns.get(i) + ", " + columns.get(j) + "))");
            }
        }
        long[] d = new long[exprs.size()];
        try (ResultSet rs = st.executeQuery("SELECT " + String.join(", ", exprs) + " FROM " + table
                + (percent < 100 ? String.format(Locale.ROOT, " TABLESAMPLE SYSTEM (%.4f)", percent) : ""))) {
            rs.next();
            for (int i = 0; i < d.length; i++) {
                d[i] = rs.getLong(i + 1);
            }
        }
        StringBuilder counts = new StringBuilder("distinct in sample:");
        for (int i = 0; i < columns.size(); i++) {
            counts.append(' ').append(columns.get(i)).append('=').append(d[i]);
        }
        boolean dependent = false;
        for (int p = 0; p < pairs.size(); p++) {
            int a = pairs.get(p)[0];
            int b = pairs.get(p)[1];
            long pair = d[columns.size() + p];
            counts.append(", (").append(columns.get(a)).append(", ").append(columns.get(b)).append(")=").append(pair);
            // Fully dependent when the pair has hardly more values than its larger column; the planner's
            // independence assumption then multiplies two selectivities that are really one.
            long larger = Math.max(d[a], d[b]);
            if (larger > 1 && Math.min(d[a], d[b]) > 1 && pair <= 1.2 * larger && (double) d[a] * d[b] > 4.0 * pair) {
                dependent = true;
            }
        }
        if (!dependent) {
            return Optional.empty();
        }
        String misestimate = misestimate(c, st, table, columns.get(0), columns.get(1));
        String name = table + "_" + String.join("_", columns.stream().map(col -> col.replaceAll("[^a-z0-9_]", "")).toList()) + "_stats";
        String statement = "CREATE STATISTICS " + (name.length() > 63 ? name.substring(0, 63) : name) + " (ndistinct, dependencies) ON "
                + String.join(", ", columns.stream().map(col -> col.contains("(") ? "(" + col + ")" : col).toList())
                + " FROM " + table + "; ANALYZE " + table + ";";
        return Optional.of(new StatisticsSuggestion(table, columns, counts.toString(), misestimate, statement));
    }

    private static boolean existingStatistics(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_statistic_ext WHERE stxrelid = ?::regclass")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The planner's estimate against the truth for the most common value pair of the first two columns. */
    private static String misestimate(Connection c, Statement st, String table, String a, String b) throws SQLException {
        String va;
        String vb;
        try (ResultSet rs = st.executeQuery("SELECT " + a + "::text, " + b + "::text FROM " + table
                + " GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1")) {
            if (!rs.next()) {
                return "";
            }
            va = rs.getString(1);
            vb = rs.getString(2);
        }
        String where = " WHERE " + a + "::text = " + quote(va) + " AND " + b + "::text = " + quote(vb);
        // Compare with the column types the planner sees (not ::text), so the estimate is the real one.
        String typedWhere = " WHERE " + a + " = " + quote(va) + " AND " + b + " = " + quote(vb);
        long estimated;
        try (ResultSet rs = st.executeQuery("EXPLAIN SELECT 1 FROM " + table + typedWhere)) {
            rs.next();
            Matcher m = ROWS.matcher(rs.getString(1));
            estimated = m.find() ? Long.parseLong(m.group(1)) : -1;
        }
        long actual;
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table + where)) {
            rs.next();
            actual = rs.getLong(1);
        }
        return String.format(Locale.ROOT, "planner estimates %d rows for %s = %s AND %s = %s; actual %d (%.0fx under)",
                estimated, a, quote(va), b, quote(vb), actual, actual / (double) Math.max(1, estimated));
    }

    private static String quote(String v) {
        return "'" + v.replace("'", "''") + "'";
    }

    private static String string(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static java.time.Instant timestamp(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                return null;
            }
            Timestamp t = rs.getTimestamp(1);
            return t == null ? null : t.toInstant();
        }
    }

    private static boolean exists(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next();
        }
    }
}
