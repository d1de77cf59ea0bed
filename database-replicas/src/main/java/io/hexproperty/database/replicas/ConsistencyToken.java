package io.hexproperty.database.replicas;

import java.util.Locale;

/**
 * A position in the primary's write-ahead log, at or after the commit of a write. A read that
 * carries it is served only by a node that has replayed at least this far, so the reader sees the
 * write. Travels in the {@value #HEADER} HTTP header in PostgreSQL's own LSN notation
 * ({@code 16/B374D848}), which an operator can paste into {@code pg_wal_lsn_diff}.
 */
public record ConsistencyToken(long lsn) implements Comparable<ConsistencyToken> {
    public static final String HEADER = "X-Consistency-Token";

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
        String t = text == null ? "" : text.strip();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1 || slash > 8 || t.length() - slash - 1 > 8) {
            throw new IllegalArgumentException(HEADER + " must look like 16/B374D848 (a WAL position), not '" + text + "'");
        }
        try {
            long hi = Long.parseLong(t.substring(0, slash), 16);
            long lo = Long.parseLong(t.substring(slash + 1), 16);
            return new ConsistencyToken((hi << 32) | lo);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(HEADER + " must look like 16/B374D848 (a WAL position), not '" + text + "'");
        }
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
        return Long.toHexString(lsn >>> 32).toUpperCase(Locale.ROOT) + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
    }
}
