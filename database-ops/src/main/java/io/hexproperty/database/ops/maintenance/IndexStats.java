package io.hexproperty.database.ops.maintenance;

import java.util.Objects;

/**
 * Size and estimated bloat of one B-tree index.
 *
 * @param method how the bloat was measured: "pgstattuple" (leaf density, exact) or "estimate"
 *               (expected size from row count and key widths against the actual size)
 */
public record IndexStats(String index, String table, long bytes, long bloatBytes, String method) {
    public IndexStats {
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(method, "method");
    }

    public double bloatRatio() {
        return bytes == 0 ? 0 : (double) bloatBytes / bytes;
    }
}
