package io.hexproperty.database.ops.advisor;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Thresholds of {@code db advise}.
 *
 * @param slowMean          a statement whose mean execution time reaches this is reported as slow
 * @param maxSlowQueries    at most this many slow statements (by total time) are reported
 * @param bigTableRows      a table with fewer live rows is never a missing-index candidate
 * @param seqScanRows       average rows read per sequential scan from which a big table is a candidate
 * @param correlatedColumns per table, columns (or expressions such as {@code lower(city)}, as the queries
 *                          filter on them) that are probably correlated; checked for CREATE STATISTICS
 */
public record AdviceConfig(Duration slowMean, int maxSlowQueries, long bigTableRows, long seqScanRows,
                             Map<String, List<String>> correlatedColumns) {
    public static final Duration DEFAULT_SLOW_MEAN = Duration.ofMillis(20);
    public static final int DEFAULT_MAX_SLOW_QUERIES = 20;
    public static final long DEFAULT_BIG_TABLE_ROWS = 10_000;
    public static final long DEFAULT_SEQ_SCAN_ROWS = 1_000;

    public AdviceConfig {
        Objects.requireNonNull(slowMean, "slowMean");
        if (slowMean.isNegative()) {
            throw new IllegalArgumentException("slowMean must be >= 0, got " + slowMean);
        }
        if (maxSlowQueries < 1) {
            throw new IllegalArgumentException("maxSlowQueries must be >= 1, got " + maxSlowQueries);
        }
        if (bigTableRows < 0 || seqScanRows < 0) {
            throw new IllegalArgumentException("bigTableRows and seqScanRows must be >= 0, got " + bigTableRows + ", " + seqScanRows);
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        Objects.requireNonNull(correlatedColumns, "correlatedColumns").forEach((table, columns) -> {
            if (columns.size() < 2) {
                throw new IllegalArgumentException("correlated columns of " + table + " need at least two columns, got " + columns);
            }
            copy.put(table, List.copyOf(columns));
        });
        correlatedColumns = java.util.Collections.unmodifiableMap(copy);
    }

    /** 20 ms slow, top 20, tables from 10,000 rows, and the place columns of listings. */
    public static AdviceConfig defaults() {
        return new AdviceConfig(DEFAULT_SLOW_MEAN, DEFAULT_MAX_SLOW_QUERIES, DEFAULT_BIG_TABLE_ROWS, DEFAULT_SEQ_SCAN_ROWS,
                Map.of("listings", List.of("lower(city)", "state_or_province", "postal_code")));
    }

    public AdviceConfig withSlowMean(Duration mean) {
        return new AdviceConfig(mean, maxSlowQueries, bigTableRows, seqScanRows, correlatedColumns);
    }
}
