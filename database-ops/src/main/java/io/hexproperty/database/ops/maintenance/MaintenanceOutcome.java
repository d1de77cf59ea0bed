package io.hexproperty.database.ops.maintenance;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** What one check of the {@link MaintenanceScheduler} did. */
public record MaintenanceOutcome(Status status, Optional<MaintenanceAction> action, Duration took, String detail) {
    public enum Status {
        /** Nothing was due. */
        IDLE,
        /** An action was due but p99 latency is above the SLO. */
        POSTPONED,
        /** Another node (or a running check) holds the maintenance lock. */
        BUSY,
        DONE,
        FAILED
    }

    public MaintenanceOutcome {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(took, "took");
        Objects.requireNonNull(detail, "detail");
    }
}
