package io.hexproperty.database.replicas;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The operator's statements on a replica ({@code hexproperty db promote}, {@code db replicas}):
 * blocking JDBC on a connection the caller opened and closes.
 */
public final class ReplicaControl {
    private ReplicaControl() {}

    /** What {@code db replicas} prints for one running replica. */
    public record Status(boolean inRecovery, String replayedLsn, long lastReplayedCommitMillisAgo) {}

    /** True while the server is a standby (replaying WAL), false once it is a primary. */
    public static boolean inRecovery(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Promotes the standby and waits up to {@code waitSeconds} for it; false when it did not finish in time. */
    public static boolean promote(Connection c, int waitSeconds) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_promote(true, " + Math.max(1, waitSeconds) + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    public static Status status(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
                     + " COALESCE(round(extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000), 0)")) {
            rs.next();
            return new Status(rs.getBoolean(1), rs.getString(2), rs.getLong(3));
        }
    }
}
