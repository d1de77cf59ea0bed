package io.hexproperty.caching.strategies;

/**
 * The loader kept returning a version older than one this node already knows of (a tombstone or a
 * cached value), e.g. from a lagging replica or L2. Serving it would move readers back in time.
 */
public final class StaleLoadException extends RuntimeException {

    private final transient Object key;
    private final long loadedVersion;
    private final long requiredVersion;

    public StaleLoadException(Object key, long loadedVersion, long requiredVersion, int attempts) {
        super("load of " + key + " returned version " + loadedVersion + " below known version " + requiredVersion
                + " after " + attempts + " attempts");
        this.key = key;
        this.loadedVersion = loadedVersion;
        this.requiredVersion = requiredVersion;
    }

    public Object key() {
        return key;
    }

    public long loadedVersion() {
        return loadedVersion;
    }

    public long requiredVersion() {
        return requiredVersion;
    }
}
