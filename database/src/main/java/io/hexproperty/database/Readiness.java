package io.hexproperty.database;

import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Whether the database answers, for {@code GET /health/ready}. */
public interface Readiness {

    /** Never fails: a problem completes with a not-ready status that says why. */
    CompletionStage<Status> check();

    record Status(boolean ready, String detail) {}

    /** {@code SELECT 1} through the pool, not ready if it takes longer than {@code timeout}. */
    static Readiness postgres(Pool pool, Duration timeout) {
        Objects.requireNonNull(pool, "pool");
        long millis = timeout.toMillis();
        return () -> pool.query("SELECT 1").execute()
                .toCompletionStage()
                .toCompletableFuture()
                .orTimeout(millis, TimeUnit.MILLISECONDS)
                .handle((rows, error) -> {
                    if (error == null) {
                        return new Status(true, "PostgreSQL answered");
                    }
                    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    if (cause instanceof TimeoutException) {
                        return new Status(false, "PostgreSQL did not answer SELECT 1 within " + millis + " ms");
                    }
                    return new Status(false, PgErrors.describe(cause, pool));
                });
    }

}
