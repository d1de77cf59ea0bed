package io.hexproperty.database;

import io.hexproperty.domain.Committed;
import java.util.Locale;

/**
 * A position in PostgreSQL's write-ahead log in its own text form ({@code 16/B374D848}, which an
 * operator can paste into {@code pg_wal_lsn_diff}): what a consistency token is on this database.
 * The SQL that reads it and the parser live here once, for the plain store and the replica router.
 */
public final class WalPosition {
    /**
     * The insert position now: read right after a write committed (same server), it is at or after the
     * write's commit record, so a replica that has replayed that far sees the write.
     */
    public static final String CURRENT_SQL = "SELECT pg_current_wal_insert_lsn()::text";

    private WalPosition() {
    }

    /**
     * Parses {@code hi/lo} hexadecimal.
     *
     * @throws IllegalArgumentException naming {@link Committed#TOKEN_HEADER} and the offending text
     */
    public static long parse(String text) {
        String t = text == null ? "" : text.strip();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1 || slash > 8 || t.length() - slash - 1 > 8) {
            throw malformed(text);
        }
        try {
            long hi = Long.parseLong(t.substring(0, slash), 16);
            long lo = Long.parseLong(t.substring(slash + 1), 16);
            return (hi << 32) | lo;
        } catch (NumberFormatException e) {
            throw malformed(text);
        }
    }

    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase(Locale.ROOT) + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
    }

    private static IllegalArgumentException malformed(String text) {
        return new IllegalArgumentException(Committed.TOKEN_HEADER + " must look like 16/B374D848 (a WAL position), not '"
                + text + "'");
    }
}
