package io.hexproperty.database.ops.partitions;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the {@link PartitionKeeper} keeps and how often it looks.
 *
 * @param policies    one per partitioned table
 * @param interval    time between runs (the first runs at start)
 * @param lockTimeout how long a CREATE or DROP may wait for its lock before the run gives up on it
 *                    (and retries at the next run) rather than queue traffic behind it
 */
public record PartitionKeeperConfig(List<PartitionPolicy> policies, Duration interval, Duration lockTimeout) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofDays(1);
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(2);

    public PartitionKeeperConfig {
        policies = List.copyOf(Objects.requireNonNull(policies, "policies"));
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("interval must be at least 1 s, got " + interval);
        }
        if (lockTimeout.isNegative() || lockTimeout.isZero()) {
            throw new IllegalArgumentException("lockTimeout must be positive, got " + lockTimeout);
        }
    }

    /** inquiries and listing_views_daily with their default horizons, daily. */
    public static PartitionKeeperConfig defaults() {
        return new PartitionKeeperConfig(List.of(
                PartitionPolicy.inquiries(PartitionPolicy.DEFAULT_MONTHS_AHEAD, PartitionPolicy.DEFAULT_INQUIRY_RETENTION_MONTHS),
                PartitionPolicy.listingViews(PartitionPolicy.DEFAULT_MONTHS_AHEAD, PartitionPolicy.DEFAULT_VIEW_RETENTION_MONTHS)),
                DEFAULT_INTERVAL, DEFAULT_LOCK_TIMEOUT);
    }
}
