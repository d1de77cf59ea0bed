package io.hexproperty.database.ops.partitions;

import java.util.List;

/** What one run of the {@link PartitionKeeper} did: partition names created and dropped, and tables it failed on. */
public record PartitionChanges(List<String> created, List<String> dropped, List<String> failed) {
    public PartitionChanges {
        created = List.copyOf(created);
        dropped = List.copyOf(dropped);
        failed = List.copyOf(failed);
    }
}
