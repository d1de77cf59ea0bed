package io.hexproperty.database.ops.partitions;

import java.util.Objects;

/**
 * How one monthly range-partitioned table is kept: partitions exist from the current month to
 * {@code monthsAhead} months ahead, and a month is dropped once all of it is older than
 * {@code retentionMonths}.
 *
 * @param table           the partitioned parent (its partitions are named {@code <table>_pYYYY_MM})
 * @param timestampBounds true when the partition key is a timestamptz (bounds at UTC midnight),
 *                        false for a date
 */
public record PartitionPolicy(String table, boolean timestampBounds, int monthsAhead, int retentionMonths) {
    public static final int DEFAULT_MONTHS_AHEAD = 3;
    public static final int DEFAULT_INQUIRY_RETENTION_MONTHS = 24;
    public static final int DEFAULT_VIEW_RETENTION_MONTHS = 13;

    public PartitionPolicy {
        Objects.requireNonNull(table, "table");
        if (!table.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("table must be a plain lower-case identifier, got '" + table + "'");
        }
        if (monthsAhead < 0 || monthsAhead > 120) {
            throw new IllegalArgumentException("monthsAhead must be in [0, 120], got " + monthsAhead);
        }
        if (retentionMonths < 1 || retentionMonths > 1200) {
            throw new IllegalArgumentException("retentionMonths must be in [1, 1200], got " + retentionMonths);
        }
    }

    /** inquiries (created_at timestamptz): 3 months ahead, 24 months kept. */
    public static PartitionPolicy inquiries(int monthsAhead, int retentionMonths) {
        return new PartitionPolicy("inquiries", true, monthsAhead, retentionMonths);
    }

    /** listing_views_daily (day date): 3 months ahead, 13 months kept. */
    public static PartitionPolicy listingViews(int monthsAhead, int retentionMonths) {
        return new PartitionPolicy("listing_views_daily", false, monthsAhead, retentionMonths);
    }
}
