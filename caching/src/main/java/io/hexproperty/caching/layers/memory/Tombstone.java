package io.hexproperty.caching.layers.memory;

/**
 * What a tier remembers about recent invalidations of one key.
 *
 * @param minVersion   installs below this version are refused (versioned invalidations; -1 if none)
 * @param manualStamp  installs of loads that began before this stamp are refused (manual/tag invalidations; 0 if none)
 * @param lastStamp    the stamp of the latest invalidation of any kind, for single-flight joining
 */
record Tombstone(long minVersion, long manualStamp, long lastStamp) {

    static Tombstone versioned(long version, long stamp) {
        return new Tombstone(version, 0, stamp);
    }

    static Tombstone manual(long stamp) {
        return new Tombstone(-1, stamp, stamp);
    }

    Tombstone merge(Tombstone other) {
        return new Tombstone(Math.max(minVersion, other.minVersion), Math.max(manualStamp, other.manualStamp),
                Math.max(lastStamp, other.lastStamp));
    }

    boolean refuses(long version, long loadStamp) {
        return version < minVersion || loadStamp < manualStamp;
    }
}
