package io.hexproperty.database.ops.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.database.ops.maintenance.MaintenanceAction.Kind;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

@Unit
class MaintenancePlannerTest {
    private static final long MB = 1 << 20;
    private final MaintenancePlanner planner = new MaintenancePlanner(MaintenanceThresholds.defaults());

    @Test
    void vacuumsTablesWithManyDeadRowsMostDeadFirst() {
        List<MaintenanceAction> plan = planner.plan(List.of(
                table("a", 70_000, 30_000, 0),      // 30% dead
                table("b", 10_000, 40_000, 0),      // 80% dead
                table("c", 95_000, 5_000, 0),       // 5%: under 10%
                table("d", 100, 400, 0)), List.of()); // 80% but only 400 rows

        assertThat(plan).extracting(MaintenanceAction::kind, MaintenanceAction::target)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.VACUUM_ANALYZE, "b"),
                        org.assertj.core.groups.Tuple.tuple(Kind.VACUUM_ANALYZE, "a"));
        assertThat(plan.get(1).reason()).isEqualTo("30% dead rows (30000 of 100000) >= 10%; last vacuum never");
        assertThat(plan.get(1).sql()).isEqualTo("VACUUM (ANALYZE) a");
    }

    @Test
    void analyzesChangedTablesUnlessAVacuumAnalyzesThemAnyway() {
        List<MaintenanceAction> plan = planner.plan(List.of(
                new TableStats("x", 100_000, 0, 25_000, Optional.empty(), Optional.of(Instant.parse("2026-11-01T00:00:00Z")), false),
                table("y", 60_000, 40_000, 40_000),
                table("z", 100_000, 0, 500)), List.of());

        assertThat(plan).extracting(MaintenanceAction::kind).containsExactly(Kind.ANALYZE, Kind.VACUUM_ANALYZE);
        assertThat(plan.getFirst().target()).isEqualTo("x");
        assertThat(plan.getFirst().reason())
                .isEqualTo("25000 rows changed since the last analyze (25% of 100000) >= 10%; last analyze 2026-11-01T00:00:00Z");
    }

    @Test
    void leavesATableToTheAutovacuumThatIsRunningOnIt() {
        TableStats busy = new TableStats("t", 10_000, 90_000, 0, Optional.empty(), Optional.empty(), true);

        assertThat(planner.plan(List.of(busy), List.of())).isEmpty();
    }

    @Test
    void reindexesBloatedIndexesOnlyWhenTheBloatIsBigInBytesAndShare() {
        List<MaintenanceAction> plan = planner.plan(List.of(), List.of(
                new IndexStats("i_half", "t", 100 * MB, 50 * MB, "estimate"),
                new IndexStats("i_tenth", "t", 100 * MB, 10 * MB, "estimate"),
                new IndexStats("i_small", "t", 4 * MB, 3 * MB, "estimate")));

        assertThat(plan).singleElement().satisfies(a -> {
            assertThat(a.sql()).isEqualTo("REINDEX INDEX CONCURRENTLY i_half");
            assertThat(a.table()).isEqualTo("t");
            assertThat(a.reason()).isEqualTo("estimated bloat 50% (51200 of 102400 kB, estimate) >= 30%");
        });
    }

    @Test
    void ordersAnalyzeThenVacuumThenReindex() {
        List<MaintenanceAction> plan = planner.plan(
                List.of(table("v", 50_000, 50_000, 0), table("an", 10_000, 0, 9_000)),
                List.of(new IndexStats("ix", "v", 64 * MB, 40 * MB, "pgstattuple")));

        assertThat(plan).extracting(MaintenanceAction::kind).containsExactly(Kind.ANALYZE, Kind.VACUUM_ANALYZE, Kind.REINDEX);
    }

    @Test
    void estimatesBloatFromRowsAndKeyWidth() {
        // 100,000 int keys: 20-byte entries, 90% of 8,152 bytes per leaf page: 273 leaf pages, 275 in all.
        assertThat(PgMaintenanceScheduler.estimated(275 * 8192L, 100_000, 4, 8192)).isZero();
        assertThat(PgMaintenanceScheduler.estimated(1_000 * 8192L, 100_000, 4, 8192)).isEqualTo(725 * 8192L);
        assertThat(PgMaintenanceScheduler.estimated(1_000 * 8192L, 100_000, 0, 8192)).as("no statistics").isZero();
    }

    @Test
    void thresholdsAreValidated() {
        assertThatThrownBy(() -> new MaintenanceThresholds(0, 1, 0.1, 1, 0.3, 1)).hasMessageContaining("deadRatio");
        assertThatThrownBy(() -> new MaintenanceThresholds(0.1, -1, 0.1, 1, 0.3, 1)).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> new MaintenanceConfig(MaintenanceThresholds.defaults(), java.time.Duration.ofMinutes(1),
                java.time.Duration.ZERO)).hasMessageContaining("sloP99");
    }

    private static TableStats table(String name, long live, long dead, long mods) {
        return new TableStats(name, live, dead, mods, Optional.empty(), Optional.empty(), false);
    }
}
