package io.hexproperty.database.ops.maintenance;

import java.util.Objects;

/** One maintenance statement the scheduler decided on, and why. */
public record MaintenanceAction(Kind kind, String target, String table, String reason) {
    public enum Kind {
        ANALYZE("analyze"), VACUUM_ANALYZE("vacuum_analyze"), REINDEX("reindex");

        private final String tag;

        Kind(String tag) {
            this.tag = tag;
        }

        /** The metrics tag value. */
        public String tag() {
            return tag;
        }
    }

    public MaintenanceAction {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(reason, "reason");
    }

    /** The statement; targets come from regclass text (already quoted where needed). */
    public String sql() {
        return switch (kind) {
            case ANALYZE -> "ANALYZE " + target;
            case VACUUM_ANALYZE -> "VACUUM (ANALYZE) " + target;
            case REINDEX -> "REINDEX INDEX CONCURRENTLY " + target;
        };
    }

    @Override
    public String toString() {
        return sql() + "  -- " + reason;
    }
}
