package io.hexproperty.database.ops.partitions;

import io.hexproperty.database.DatabaseConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * Rolls the monthly partitions of inquiries and listing_views_daily from inside the application (the
 * job pg_partman does as an extension): creates the partitions of the next months and drops those
 * past retention, at start and then every {@link PartitionKeeperConfig#interval()}.
 *
 * <p>Blocking (JDBC): {@link #start()} runs it on its own virtual thread. Several application nodes
 * may run one each; a transaction-scoped advisory lock makes their runs take turns. Every created
 * or dropped partition is logged and counted ({@code db.partitions.created}, {@code
 * db.partitions.dropped}, {@code db.partitions.failures}, tagged by table).
 */
public interface PartitionKeeper extends AutoCloseable {

    static PartitionKeeper create(DatabaseConfig database, PartitionKeeperConfig config, Clock clock, MeterRegistry registry) {
        return new PgPartitionKeeper(database, config, clock, registry);
    }

    /** One pass over every table, now; never throws for a database failure (it is in {@code failed}). */
    PartitionChanges roll();

    /** Runs {@link #roll()} now and then every interval, until {@link #close()}. */
    void start();

    @Override
    void close();
}
