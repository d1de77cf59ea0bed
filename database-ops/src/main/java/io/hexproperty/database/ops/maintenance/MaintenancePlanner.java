package io.hexproperty.database.ops.maintenance;

import io.hexproperty.database.ops.maintenance.MaintenanceAction.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The decision logic, free of I/O: from table and index statistics to the actions due, cheapest
 * first (ANALYZE fixes plans in seconds; VACUUM before REINDEX, because a vacuum frees index
 * entries that a rebuild would otherwise copy), each group by how far past its threshold.
 */
public final class MaintenancePlanner {
    private final MaintenanceThresholds thresholds;

    public MaintenancePlanner(MaintenanceThresholds thresholds) {
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
    }

    public List<MaintenanceAction> plan(List<TableStats> tables, List<IndexStats> indexes) {
        List<Scored> vacuums = new ArrayList<>();
        List<Scored> analyzes = new ArrayList<>();
        Set<String> vacuumed = new HashSet<>();
        for (TableStats t : tables) {
            long total = t.liveTuples() + t.deadTuples();
            double dead = total == 0 ? 0 : (double) t.deadTuples() / total;
            if (t.deadTuples() >= thresholds.minDeadTuples() && dead >= thresholds.deadRatio()) {
                if (t.vacuumRunning()) {
                    continue; // autovacuum is on it already
                }
                vacuums.add(new Scored(new MaintenanceAction(Kind.VACUUM_ANALYZE, t.table(), t.table(), String.format(Locale.ROOT,
                        "%.0f%% dead rows (%d of %d) >= %.0f%%; last vacuum %s", 100 * dead, t.deadTuples(), total,
                        100 * thresholds.deadRatio(), t.lastVacuum().map(Instant::toString).orElse("never"))), dead / thresholds.deadRatio()));
                vacuumed.add(t.table());
            }
        }
        for (TableStats t : tables) {
            double changed = (double) t.modsSinceAnalyze() / Math.max(1, t.liveTuples());
            if (!vacuumed.contains(t.table()) && t.modsSinceAnalyze() >= thresholds.minModsSinceAnalyze()
                    && changed >= thresholds.analyzeRatio()) {
                analyzes.add(new Scored(new MaintenanceAction(Kind.ANALYZE, t.table(), t.table(), String.format(Locale.ROOT,
                        "%d rows changed since the last analyze (%.0f%% of %d) >= %.0f%%; last analyze %s", t.modsSinceAnalyze(),
                        100 * changed, t.liveTuples(), 100 * thresholds.analyzeRatio(),
                        t.lastAnalyze().map(Instant::toString).orElse("never"))), changed / thresholds.analyzeRatio()));
            }
        }
        List<Scored> reindexes = new ArrayList<>();
        for (IndexStats i : indexes) {
            if (i.bloatBytes() >= thresholds.minBloatBytes() && i.bloatRatio() >= thresholds.bloatRatio()) {
                reindexes.add(new Scored(new MaintenanceAction(Kind.REINDEX, i.index(), i.table(), String.format(Locale.ROOT,
                        "estimated bloat %.0f%% (%d of %d kB, %s) >= %.0f%%", 100 * i.bloatRatio(), i.bloatBytes() / 1024,
                        i.bytes() / 1024, i.method(), 100 * thresholds.bloatRatio())), i.bloatRatio() / thresholds.bloatRatio()));
            }
        }
        List<MaintenanceAction> plan = new ArrayList<>();
        for (List<Scored> group : List.of(analyzes, vacuums, reindexes)) {
            group.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparing(s -> s.action.target()));
            group.forEach(s -> plan.add(s.action));
        }
        return List.copyOf(plan);
    }

    private record Scored(MaintenanceAction action, double score) {}
}
