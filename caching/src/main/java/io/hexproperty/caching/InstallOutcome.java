package io.hexproperty.caching;

/** What a tier did with a value offered to it. Only {@link #INSTALLED} means it is now cached. */
public enum InstallOutcome {
    INSTALLED,
    /** An invalidation newer than the value (or, for manual invalidations, newer than its load) was seen. */
    REFUSED_TOMBSTONE,
    /** A newer version is already cached; never overwrite newer with older. */
    REFUSED_OLDER,
    /** The load took longer than the tombstone window, so tombstones can no longer vouch for it. */
    REFUSED_SLOW_LOAD,
    /** A distributed tier (L2) was unreachable or too slow; nothing was stored and the caller carries on. */
    SKIPPED;

    public boolean installed() {
        return this == INSTALLED;
    }

    /** The tag value used by {@code cache.installs.refused{reason}}. */
    public String reason() {
        return switch (this) {
            case INSTALLED -> "installed";
            case REFUSED_TOMBSTONE -> "tombstone";
            case REFUSED_OLDER -> "older";
            case REFUSED_SLOW_LOAD -> "slow-load";
            case SKIPPED -> "skipped";
        };
    }
}
