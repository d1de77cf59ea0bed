package io.hexproperty.database.ops.maintenance;

/**
 * When a table or index needs work. The defaults act earlier than autovacuum's (20% dead rows plus
 * 50, 10% changed rows plus 50 for analyze) on big tables only, where waiting costs most.
 *
 * @param deadRatio         VACUUM (ANALYZE) when dead / (live + dead) reaches this ...
 * @param minDeadTuples     ... and at least this many rows are dead
 * @param analyzeRatio      ANALYZE when rows changed since the last analyze / live rows reaches this ...
 * @param minModsSinceAnalyze ... and at least this many rows changed
 * @param bloatRatio        REINDEX INDEX CONCURRENTLY when the estimated bloat / index size reaches this ...
 * @param minBloatBytes     ... and the bloat is at least this many bytes
 */
public record MaintenanceThresholds(double deadRatio, long minDeadTuples, double analyzeRatio, long minModsSinceAnalyze,
                                    double bloatRatio, long minBloatBytes) {
    public MaintenanceThresholds {
        ratio("deadRatio", deadRatio);
        ratio("analyzeRatio", analyzeRatio);
        ratio("bloatRatio", bloatRatio);
        if (minDeadTuples < 0 || minModsSinceAnalyze < 0 || minBloatBytes < 0) {
            throw new IllegalArgumentException("minimum counts must be >= 0, got " + minDeadTuples + ", " + minModsSinceAnalyze
                    + ", " + minBloatBytes);
        }
    }

    /** 10% dead (1,000 rows), 10% changed (1,000 rows), 30% index bloat (8 MB). */
    public static MaintenanceThresholds defaults() {
        return new MaintenanceThresholds(0.10, 1_000, 0.10, 1_000, 0.30, 8L << 20);
    }

    private static void ratio(String name, double v) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1], got " + v);
        }
    }
}
