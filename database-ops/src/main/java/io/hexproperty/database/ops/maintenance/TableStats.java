package io.hexproperty.database.ops.maintenance;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** One row of pg_stat_user_tables, as the planner needs it; {@code vacuumRunning} from pg_stat_progress_vacuum. */
public record TableStats(String table, long liveTuples, long deadTuples, long modsSinceAnalyze,
                         Optional<Instant> lastVacuum, Optional<Instant> lastAnalyze, boolean vacuumRunning) {
    public TableStats {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(lastVacuum, "lastVacuum");
        Objects.requireNonNull(lastAnalyze, "lastAnalyze");
    }
}
