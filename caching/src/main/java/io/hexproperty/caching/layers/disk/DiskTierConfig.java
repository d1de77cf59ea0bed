package io.hexproperty.caching.layers.disk;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of the disk tier; defaults in {@link #defaults(Path)}.
 *
 * @param directory   one file per entry lives here (and nothing else should)
 * @param maxEntries  files kept; beyond it the least recently written are deleted
 * @param maxBytes    total bytes kept, same eviction
 */
public record DiskTierConfig(Path directory, int maxEntries, long maxBytes) {

    public DiskTierConfig {
        Objects.requireNonNull(directory, "directory");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
        }
    }

    public static DiskTierConfig defaults(Path directory) {
        return new DiskTierConfig(directory, 20_000, 512L * 1024 * 1024);
    }
}
