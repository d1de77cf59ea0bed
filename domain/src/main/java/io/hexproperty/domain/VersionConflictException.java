package io.hexproperty.domain;

/** An update named a version (If-Match) that is no longer current. */
public final class VersionConflictException extends RuntimeException {
    private final long expected;
    private final long current;

    public VersionConflictException(ListingKey key, long expected, long current) {
        super("listing " + key + " is at version " + current + ", not " + expected, null, false, false);
        this.expected = expected;
        this.current = current;
    }

    public long expected() {
        return expected;
    }

    public long current() {
        return current;
    }
}
