package io.hexproperty.seed;

import java.time.Clock;
import java.util.Objects;

/**
 * How a {@link Seeder} loads.
 *
 * @param streams            parallel COPY streams (connections) for the load, and parallel index
 *                           builds afterwards; default 2 (one per core of a small machine: each
 *                           stream keeps one server backend and one generator thread busy)
 * @param chunkRows          rows per COPY statement (one transaction each, and one progress step);
 *                           default 10,000
 * @param maintenanceWorkMem memory each index build may sort in (PostgreSQL syntax such as
 *                           "256MB"); default 256MB, so the big indexes sort in memory
 * @param clock              the "now" the listing dates are spread back from (truncated to seconds)
 */
public record SeedConfig(int streams, int chunkRows, String maintenanceWorkMem, Clock clock) {
    public static final int DEFAULT_STREAMS = 2;
    public static final int DEFAULT_CHUNK_ROWS = 10_000;
    public static final String DEFAULT_MAINTENANCE_WORK_MEM = "256MB";

    public SeedConfig {
        if (streams < 1 || streams > 64) {
            throw new IllegalArgumentException("streams must be between 1 and 64, was " + streams);
        }
        if (chunkRows < 1 || chunkRows > 1_000_000) {
            throw new IllegalArgumentException("chunkRows must be between 1 and 1,000,000, was " + chunkRows);
        }
        Objects.requireNonNull(maintenanceWorkMem, "maintenanceWorkMem");
        if (!maintenanceWorkMem.matches("[0-9]+\\s*(kB|MB|GB)")) {
            throw new IllegalArgumentException("maintenanceWorkMem must be a PostgreSQL size such as 256MB, was '"
                    + maintenanceWorkMem + "'");
        }
        Objects.requireNonNull(clock, "clock");
    }

    public static SeedConfig defaults() {
        return new SeedConfig(DEFAULT_STREAMS, DEFAULT_CHUNK_ROWS, DEFAULT_MAINTENANCE_WORK_MEM, Clock.systemUTC());
    }

    public SeedConfig withStreams(int newStreams) {
        return new SeedConfig(newStreams, chunkRows, maintenanceWorkMem, clock);
    }

    public SeedConfig withChunkRows(int newChunkRows) {
        return new SeedConfig(streams, newChunkRows, maintenanceWorkMem, clock);
    }

    public SeedConfig withClock(Clock newClock) {
        return new SeedConfig(streams, chunkRows, maintenanceWorkMem, newClock);
    }
}
