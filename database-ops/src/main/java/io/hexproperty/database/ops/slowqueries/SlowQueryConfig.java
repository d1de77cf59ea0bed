package io.hexproperty.database.ops.slowqueries;

import java.time.Duration;
import java.util.Objects;

/**
 * When the {@link SlowQuerySampler} captures a plan.
 *
 * @param threshold  a statement at least this slow is captured
 * @param keep       how many captured samples are kept (the newest)
 * @param perStatement at most one capture per statement text in this time (a slow query repeated
 *                   a thousand times costs one EXPLAIN ANALYZE, not a thousand)
 * @param explainTimeout statement timeout of the EXPLAIN (ANALYZE) itself
 */
public record SlowQueryConfig(Duration threshold, int keep, Duration perStatement, Duration explainTimeout) {
    public static final Duration DEFAULT_THRESHOLD = Duration.ofMillis(100);
    public static final int DEFAULT_KEEP = 50;
    public static final Duration DEFAULT_PER_STATEMENT = Duration.ofMinutes(1);
    public static final Duration DEFAULT_EXPLAIN_TIMEOUT = Duration.ofSeconds(10);

    public SlowQueryConfig {
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(perStatement, "perStatement");
        Objects.requireNonNull(explainTimeout, "explainTimeout");
        if (threshold.isNegative()) {
            throw new IllegalArgumentException("threshold must be >= 0, got " + threshold);
        }
        if (keep < 1 || keep > 10_000) {
            throw new IllegalArgumentException("keep must be in [1, 10000], got " + keep);
        }
        if (perStatement.isNegative() || explainTimeout.isNegative() || explainTimeout.isZero()) {
            throw new IllegalArgumentException("perStatement must be >= 0 and explainTimeout > 0, got " + perStatement
                    + ", " + explainTimeout);
        }
    }

    /** 100 ms, 50 kept, one capture per statement a minute, 10 s EXPLAIN timeout. */
    public static SlowQueryConfig defaults() {
        return new SlowQueryConfig(DEFAULT_THRESHOLD, DEFAULT_KEEP, DEFAULT_PER_STATEMENT, DEFAULT_EXPLAIN_TIMEOUT);
    }
}
