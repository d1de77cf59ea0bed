package io.hexproperty.database;

import io.vertx.sqlclient.Tuple;

/**
 * Told the SQL, parameters and duration of each statement a store ran (on the event loop: must
 * not block). The slow-query sampler ({@code queries.SlowQuerySampler}) is one.
 */
@FunctionalInterface
public interface StatementObserver {
    StatementObserver NONE = (sql, params, nanos) -> { };

    void observe(String sql, Tuple params, long nanos);
}
