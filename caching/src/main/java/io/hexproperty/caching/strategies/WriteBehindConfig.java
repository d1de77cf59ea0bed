package io.hexproperty.caching.strategies;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the write-behind journal; defaults in {@link #defaults(Path, String)}.
 *
 * @param directory         where the journal segments live (one directory per journal)
 * @param journalId         names this journal in batch ids ({@code <journalId>:<segment>}); stable across restarts
 * @param flushInterval     how often pending increments are flushed
 * @param flushAtIncrements flush early once this many increments are pending in the current segment
 * @param fsync             when the journal is forced to the device
 * @param fsyncInterval     the fsync period under {@link FsyncPolicy#PERIODIC}
 * @param closeTimeout      how long {@code close()} waits for the final flush
 */
public record WriteBehindConfig(Path directory, String journalId, Duration flushInterval, int flushAtIncrements,
                                FsyncPolicy fsync, Duration fsyncInterval, Duration closeTimeout) {

    public WriteBehindConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fsync, "fsync");
        if (journalId == null || journalId.isBlank() || journalId.contains(":")) {
            throw new IllegalArgumentException("journalId must be non-blank without ':', was " + journalId);
        }
        positive("flushInterval", flushInterval);
        positive("fsyncInterval", fsyncInterval);
        positive("closeTimeout", closeTimeout);
        if (flushAtIncrements < 1) {
            throw new IllegalArgumentException("flushAtIncrements must be >= 1, was " + flushAtIncrements);
        }
    }

    public static WriteBehindConfig defaults(Path directory, String journalId) {
        return new WriteBehindConfig(directory, journalId, Duration.ofSeconds(1), 10_000, FsyncPolicy.PERIODIC,
                Duration.ofMillis(100), Duration.ofSeconds(10));
    }

    public WriteBehindConfig withFlush(Duration interval, int atIncrements) {
        return new WriteBehindConfig(directory, journalId, interval, atIncrements, fsync, fsyncInterval, closeTimeout);
    }

    public WriteBehindConfig withFsync(FsyncPolicy policy, Duration interval) {
        return new WriteBehindConfig(directory, journalId, flushInterval, flushAtIncrements, policy, interval, closeTimeout);
    }

    private static void positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be > 0, was " + d);
        }
    }
}
