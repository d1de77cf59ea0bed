package io.hexproperty.database.ops.advisor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What {@code db advise} found; {@link #text()} for people, {@link #json()} for tools. */
public record Advice(Instant at, String serverVersion, Optional<Instant> statsSince, boolean pgStatStatements,
                     boolean hypopg, List<SlowQuery> slowQueries, List<UnusedIndex> unusedIndexes,
                     List<DuplicateIndex> duplicateIndexes, List<MissingIndex> missingIndexes,
                     List<StatisticsSuggestion> statistics, List<String> notes) {

    public Advice {
        slowQueries = List.copyOf(slowQueries);
        unusedIndexes = List.copyOf(unusedIndexes);
        duplicateIndexes = List.copyOf(duplicateIndexes);
        missingIndexes = List.copyOf(missingIndexes);
        statistics = List.copyOf(statistics);
        notes = List.copyOf(notes);
    }

    /** A statement from pg_stat_statements over the slow threshold, with its plan. */
    public record SlowQuery(String queryId, String query, long calls, double meanMs, double maxMs, double totalMs,
                            long rows, double hitRatio, String plan) {}

    /** An index never scanned since statistics were reset; not backing a constraint. */
    public record UnusedIndex(String table, String index, long bytes, String definition) {}

    /** {@code redundant} is covered by {@code by} (same or leading columns, same table). */
    public record DuplicateIndex(String table, String redundant, String by, boolean exact, long bytes) {}

    /**
     * A big table read by sequential scans, with the columns its scans filter on and the index that
     * would serve them; {@code costBefore}/{@code costAfter} are planner costs with a HypoPG
     * hypothetical index (NaN when HypoPG is not installed or no statement to compare).
     */
    public record MissingIndex(String table, long liveRows, long seqScans, long avgRowsPerScan, List<String> filterColumns,
                               String suggestion, double costBefore, double costAfter, String evidence) {}

    /** Columns whose combined distinct count is far below the product of their own: a functional dependency. */
    public record StatisticsSuggestion(String table, List<String> columns, String distinctCounts, String misestimate,
                                       String statement) {}

    public String text() {
        StringBuilder b = new StringBuilder();
        b.append("PostgreSQL ").append(serverVersion).append(", advice at ").append(at);
        statsSince.ifPresent(s -> b.append(" (statistics since ").append(s).append(')'));
        b.append("\n");
        for (String note : notes) {
            b.append("note: ").append(note).append('\n');
        }
        b.append("\n== Slow queries (pg_stat_statements) ==\n");
        if (!pgStatStatements) {
            b.append("pg_stat_statements is not installed in this database\n");
        } else if (slowQueries.isEmpty()) {
            b.append("none over the threshold\n");
        }
        for (SlowQuery q : slowQueries) {
            b.append(String.format(Locale.ROOT, "%n-- queryid %s: %d calls, mean %.2f ms, max %.2f ms, total %.0f ms, %d rows, cache hit %.1f%%%n",
                    q.queryId(), q.calls(), q.meanMs(), q.maxMs(), q.totalMs(), q.rows(), 100 * q.hitRatio()));
            b.append(q.query().strip()).append('\n').append(indent(q.plan()));
        }
        b.append("\n== Unused indexes (no scan since statistics reset) ==\n");
        if (unusedIndexes.isEmpty()) {
            b.append("none\n");
        }
        for (UnusedIndex u : unusedIndexes) {
            b.append(String.format(Locale.ROOT, "%s on %s, %s: %s%n", u.index(), u.table(), size(u.bytes()), u.definition()));
        }
        b.append("\n== Duplicate indexes ==\n");
        if (duplicateIndexes.isEmpty()) {
            b.append("none\n");
        }
        for (DuplicateIndex d : duplicateIndexes) {
            b.append(String.format(Locale.ROOT, "%s on %s (%s) is %s %s: DROP INDEX %s;%n", d.redundant(), d.table(),
                    size(d.bytes()), d.exact() ? "an exact duplicate of" : "a prefix of", d.by(), d.redundant()));
        }
        b.append("\n== Missing-index candidates (sequential scans on big tables) ==\n");
        if (!hypopg) {
            b.append("(HypoPG not installed: candidates are not verified with hypothetical indexes)\n");
        }
        if (missingIndexes.isEmpty()) {
            b.append("none\n");
        }
        for (MissingIndex m : missingIndexes) {
            b.append(String.format(Locale.ROOT, "%s: %d rows, %d seq scans reading %d rows each; %s%n",
                    m.table(), m.liveRows(), m.seqScans(), m.avgRowsPerScan(), m.filterColumns().isEmpty()
                            ? "no statement in pg_stat_statements filters it in a seq scan (bulk loads, maintenance, joins)"
                            : "filter columns " + m.filterColumns()));
            if (!m.suggestion().isEmpty()) {
                b.append("  suggest: ").append(m.suggestion()).append('\n');
            }
            if (!Double.isNaN(m.costBefore())) {
                b.append(String.format(Locale.ROOT, "  HypoPG: plan cost %.1f -> %.1f%n", m.costBefore(), m.costAfter()));
            }
            if (!m.evidence().isEmpty()) {
                b.append("  seen in: ").append(m.evidence()).append('\n');
            }
        }
        b.append("\n== Extended statistics (correlated columns) ==\n");
        if (statistics.isEmpty()) {
            b.append("none\n");
        }
        for (StatisticsSuggestion s : statistics) {
            b.append(s.table()).append(' ').append(s.columns()).append(": ").append(s.distinctCounts()).append('\n');
            if (!s.misestimate().isEmpty()) {
                b.append("  ").append(s.misestimate()).append('\n');
            }
            b.append("  ").append(s.statement()).append('\n');
        }
        return b.toString();
    }

    public String json() {
        JsonObject o = new JsonObject()
                .put("at", at.toString())
                .put("serverVersion", serverVersion)
                .put("statsSince", statsSince.map(Instant::toString).orElse(null))
                .put("pgStatStatements", pgStatStatements)
                .put("hypopg", hypopg)
                .put("notes", new JsonArray(notes));
        JsonArray slow = new JsonArray();
        slowQueries.forEach(q -> slow.add(new JsonObject().put("queryId", q.queryId()).put("query", q.query())
                .put("calls", q.calls()).put("meanMs", q.meanMs()).put("maxMs", q.maxMs()).put("totalMs", q.totalMs())
                .put("rows", q.rows()).put("hitRatio", q.hitRatio()).put("plan", q.plan())));
        JsonArray unused = new JsonArray();
        unusedIndexes.forEach(u -> unused.add(new JsonObject().put("table", u.table()).put("index", u.index())
                .put("bytes", u.bytes()).put("definition", u.definition())));
        JsonArray dup = new JsonArray();
        duplicateIndexes.forEach(d -> dup.add(new JsonObject().put("table", d.table()).put("redundant", d.redundant())
                .put("by", d.by()).put("exact", d.exact()).put("bytes", d.bytes())));
        JsonArray missing = new JsonArray();
        missingIndexes.forEach(m -> missing.add(new JsonObject().put("table", m.table()).put("liveRows", m.liveRows())
                .put("seqScans", m.seqScans()).put("avgRowsPerScan", m.avgRowsPerScan())
                .put("filterColumns", new JsonArray(m.filterColumns())).put("suggestion", m.suggestion())
                .put("costBefore", Double.isNaN(m.costBefore()) ? null : m.costBefore())
                .put("costAfter", Double.isNaN(m.costAfter()) ? null : m.costAfter()).put("evidence", m.evidence())));
        JsonArray stats = new JsonArray();
        statistics.forEach(s -> stats.add(new JsonObject().put("table", s.table()).put("columns", new JsonArray(s.columns()))
                .put("distinctCounts", s.distinctCounts()).put("misestimate", s.misestimate()).put("statement", s.statement())));
        return o.put("slowQueries", slow).put("unusedIndexes", unused).put("duplicateIndexes", dup)
                .put("missingIndexes", missing).put("statistics", stats).encodePrettily();
    }

    private static String indent(String plan) {
        StringBuilder b = new StringBuilder();
        plan.lines().forEach(l -> b.append("    ").append(l).append('\n'));
        return b.toString();
    }

    static String size(long bytes) {
        if (bytes >= 1 << 20) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
    }
}
