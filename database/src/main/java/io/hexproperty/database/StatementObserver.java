package io.hexproperty.database;

import io.vertx.sqlclient.Tuple;

/**
 * Told the SQL, parameters and duration of each statement a store ran (on the event loop: must
 * not block). The slow-query sampler ({@code database.ops.slowqueries.SlowQuerySampler}) is one.
 */
@FunctionalInterface
public interface StatementObserver {

    void observe(String sql, Tuple params, long nanos);

    /** Nobody listens; always the same instance, so a store can skip timing its statements. */
    static StatementObserver none() {
        return Unobserved.INSTANCE;
    }
}

/** The one instance behind {@link StatementObserver#none()}. */
enum Unobserved implements StatementObserver {
    INSTANCE;

    @Override
    public void observe(String sql, Tuple params, long nanos) {
    }
}
