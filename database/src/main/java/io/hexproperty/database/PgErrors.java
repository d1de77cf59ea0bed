package io.hexproperty.database;

import io.hexproperty.domain.DomainException;
import io.hexproperty.domain.ListingNotFoundException;
import io.hexproperty.domain.NotOwnerException;
import io.hexproperty.domain.VersionConflictException;
import io.hexproperty.domain.port.out.StoreUnavailableException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;

/**
 * Turns driver failures into {@link StoreUnavailableException}s whose message says what happened
 * and the pool's state, so that no driver exception crosses a port and an operator can tell a full
 * pool from a dead server.
 */
final class PgErrors {
    /** statement_timeout (or a cancel request) ended the query: the store is overloaded, not the input wrong. */
    static final String QUERY_CANCELED = "57014";

    private PgErrors() {}

    /** Domain failures pass through; everything else becomes a StoreUnavailableException. */
    static Throwable toPort(Throwable error, Pool pool) {
        Throwable e = unwrap(error);
        if (e instanceof ListingNotFoundException || e instanceof NotOwnerException
                || e instanceof VersionConflictException || e instanceof DomainException
                || e instanceof StoreUnavailableException) {
            return e;
        }
        return new StoreUnavailableException(describe(e, pool), e);
    }

    static String describe(Throwable error, Pool pool) {
        Throwable e = unwrap(error);
        String open = pool.size() + " connections open";
        if (e instanceof ConnectionPoolTooBusyException) {
            // Same lead as the routed pools' NodeGate ("pool exhausted: ..."), so one alert matches both.
            return "pool exhausted: " + open + ", pool wait-queue full (" + e.getMessage()
                    + "); raise the pool size or wait-queue limit, or shed load";
        }
        if (e instanceof PgException pg && QUERY_CANCELED.equals(pg.getSqlState())) {
            return "query cancelled by PostgreSQL (statement_timeout, SQLSTATE 57014): the database is slow or the query"
                    + " too broad; " + open;
        }
        if (e instanceof PgException pg) {
            return "PostgreSQL error " + pg.getSqlState() + ": " + pg.getErrorMessage();
        }
        if (e instanceof ClosedConnectionException) {
            return "PostgreSQL connection closed (server restarted or unreachable), " + open;
        }
        if (e instanceof ConnectException) {
            return "cannot connect to PostgreSQL: " + e.getMessage();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (message.contains("Timeout waiting for connection")) {
            return "pool exhausted: " + open + ", timed out waiting for a pooled PostgreSQL connection"
                    + "; the database is slow or the pool is too small";
        }
        return "PostgreSQL unavailable: " + message + " (" + e.getClass().getSimpleName() + "), " + open;
    }

    static boolean isSqlState(Throwable error, String sqlState) {
        return unwrap(error) instanceof PgException pg && sqlState.equals(pg.getSqlState());
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
