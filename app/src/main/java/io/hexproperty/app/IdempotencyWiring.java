package io.hexproperty.app;

import io.hexproperty.database.PgIdempotencyStore;
import io.hexproperty.domain.IdempotencyService;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Idempotency-Key}s in the primary database (shared by every node), and their retention job:
 * keys older than 24 h are deleted at start and every 15 minutes (whichever node runs it first does the
 * work; the DELETE is idempotent).
 */
final class IdempotencyWiring implements AutoCloseable {
    static final Duration PRUNE_EVERY = Duration.ofMinutes(15);
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyWiring.class);

    private final Vertx vertx;
    private final IdempotencyService keys;
    private final long timer;

    private IdempotencyWiring(Vertx vertx, IdempotencyService keys) {
        this.vertx = vertx;
        this.keys = keys;
        prune();
        this.timer = vertx.setPeriodic(PRUNE_EVERY.toMillis(), id -> prune());
    }

    static IdempotencyWiring start(Vertx vertx, Pool primary, Clock clock) {
        return new IdempotencyWiring(vertx, new IdempotencyService(new PgIdempotencyStore(primary), clock,
                IdempotencyService.DEFAULT_RETENTION, IdempotencyService.DEFAULT_ABANDON_AFTER));
    }

    IdempotencyService keys() {
        return keys;
    }

    private void prune() {
        keys.prune().whenComplete((n, e) -> {
            if (e != null) {
                LOG.warn("idempotency keys: retention run failed, next in {}: {}", PRUNE_EVERY, Errors.oneLine(e));
            } else if (n > 0) {
                LOG.info("idempotency keys: {} older than {} deleted", n, keys.retention());
            }
        });
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
    }
}
