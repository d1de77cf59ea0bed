package io.hexproperty.balancer.scaling;

import java.time.Instant;

/**
 * An announced load: a marketing mail, a campaign, a listing expected to go viral. Posted to
 * {@code POST /admin/cluster/events}; while active (from {@code start - lead} to {@code end}) it proposes
 * enough workers for {@code expectedRate} and at least {@code minWorkers}.
 */
public record ScalingEvent(String name, Instant start, Instant end, double expectedRate, int minWorkers) {
    public ScalingEvent {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: an event needs a name");
        }
        if (start == null || end == null || !start.isBefore(end)) {
            throw new IllegalArgumentException("end: must be after start (start " + start + ", end " + end + ")");
        }
        if (!(expectedRate >= 0) || Double.isInfinite(expectedRate)) {
            throw new IllegalArgumentException("expectedRate: must be a finite number >= 0, was " + expectedRate);
        }
        if (minWorkers < 0) {
            throw new IllegalArgumentException("minWorkers: must be >= 0, was " + minWorkers);
        }
    }

    public boolean activeAt(Instant at, java.time.Duration lead) {
        Instant t = at.plus(lead);
        return !t.isBefore(start) && at.isBefore(end);
    }
}
