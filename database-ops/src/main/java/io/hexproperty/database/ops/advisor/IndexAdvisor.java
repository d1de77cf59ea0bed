package io.hexproperty.database.ops.advisor;

import io.hexproperty.database.DatabaseConfig;
import java.sql.SQLException;
import java.time.Clock;

/**
 * {@code hexproperty db advise}: reads pg_stat_statements, pg_stat_user_indexes,
 * pg_stat_user_tables and pg_stats and reports slow queries with their plans, unused and
 * duplicate indexes, missing-index candidates (verified with HypoPG hypothetical indexes when that
 * extension is installed) and CREATE STATISTICS suggestions for correlated columns. Read-only
 * (HypoPG's hypothetical indexes live in the session only). Blocking JDBC.
 */
public interface IndexAdvisor {

    static IndexAdvisor create(DatabaseConfig database, AdviceConfig settings, Clock clock) {
        return new PgIndexAdvisor(database, settings, clock);
    }

    Advice advise() throws SQLException;
}
