package io.hexproperty.app;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.ops.maintenance.MaintenanceConfig;
import io.hexproperty.database.ops.maintenance.MaintenanceScheduler;
import io.hexproperty.database.ops.partitions.PartitionKeeper;
import io.hexproperty.database.ops.partitions.PartitionKeeperConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Monthly partitions and maintenance on every primary of the {@link DataLayer} (each shard's with
 * {@code --shards}); replicas replay their primary's, so they need neither.
 */
final class DatabaseUpkeep implements AutoCloseable {
    private final Closer closer = new Closer();
    private final List<MaintenanceScheduler> maintenance = new ArrayList<>();

    private DatabaseUpkeep() {
    }

    static DatabaseUpkeep start(List<DatabaseConfig> primaries, Clock clock, MeterRegistry registry) {
        DatabaseUpkeep upkeep = new DatabaseUpkeep();
        try {
            for (DatabaseConfig db : primaries) {
                upkeep.closer.add("partition keeper", PartitionKeeper.create(db, PartitionKeeperConfig.defaults(), clock,
                        registry)).start();
                MaintenanceScheduler scheduler = upkeep.closer.add("maintenance scheduler", MaintenanceScheduler.create(db,
                        MaintenanceConfig.defaults(), new RecentP99(registry), clock, registry));
                upkeep.maintenance.add(scheduler);
                scheduler.start();
            }
        } catch (RuntimeException e) {
            SingleDataLayer.closeAfterFailure(upkeep, e);
            throw e;
        }
        return upkeep;
    }

    /** One maintenance scheduler per primary, in the data layer's primary order. */
    List<MaintenanceScheduler> maintenance() {
        return List.copyOf(maintenance);
    }

    @Override
    public void close() {
        closer.close();
    }
}
