package io.hexproperty.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Read replicas of {@code serve}: embedded ones it starts, or external ones named by URL. */
final class ReplicaOptions {
    @Option(names = "--replicas", defaultValue = "${env:HEXPROPERTY_REPLICAS:-0}",
            description = "Streaming replicas of the embedded PostgreSQL to start on this machine (default: ${DEFAULT-VALUE}; "
                    + "data under <data-dir>/replica-<i>). Reads go to replicas, writes to the primary.")
    int replicas;

    @Option(names = "--db-replica-url", paramLabel = "URL",
            description = "An external read replica of --db-url (repeatable).")
    List<String> replicaUrls = new ArrayList<>();

    @Option(names = "--max-replica-lag", defaultValue = "1s", converter = DurationConverter.class,
            description = "Replicas whose replay lag exceeds this serve no reads (default: ${DEFAULT-VALUE}).")
    Duration maxLag;

    Replication.Config config() {
        return new Replication.Config(replicas, replicaUrls, maxLag);
    }
}
