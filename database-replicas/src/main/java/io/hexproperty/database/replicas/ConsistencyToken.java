package io.hexproperty.database.replicas;

import io.hexproperty.database.WalPosition;

/**
 * A position in the primary's write-ahead log, at or after the commit of a write. A read that
 * carries it is served only by a node that has replayed at least this far, so the reader sees the
 * write. Travels in the {@code Committed.TOKEN_HEADER} HTTP header in PostgreSQL's own LSN notation
 * ({@code 16/B374D848}), which an operator can paste into {@code pg_wal_lsn_diff}.
 */
public record ConsistencyToken(long lsn) implements Comparable<ConsistencyToken> {
    public ConsistencyToken {
        if (lsn < 0) {
            throw new IllegalArgumentException("a consistency token is a WAL position >= 0, not " + lsn);
        }
    }

    /**
     * Parses {@code hi/lo} hexadecimal (PostgreSQL's pg_lsn text form).
     *
     * @throws IllegalArgumentException with the offending text, for a 400 naming the header
     */
    public static ConsistencyToken parse(String text) {
        return new ConsistencyToken(WalPosition.parse(text));
    }

    /** Whether a node that has replayed up to {@code replayed} has this write. */
    public boolean reachedBy(long replayed) {
        return replayed >= lsn;
    }

    @Override
    public int compareTo(ConsistencyToken other) {
        return Long.compareUnsigned(lsn, other.lsn);
    }

    @Override
    public String toString() {
        return WalPosition.format(lsn);
    }
}
