package io.hexproperty.database;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prunes the outbox ({@code listing_changes}) and the ids of applied view batches
 * ({@code applied_batches}) beyond {@link RetentionConfig#horizon()}, in short batches.
 *
 * <p>The outbox is never pruned beyond what the change feed still needs: a change this node's feed
 * has not delivered ({@code delivered}) stays whatever its age, and so does the newest change, so the
 * outbox always names the current sequence (the feed starts from it, warm start compares with it).
 * A node that was away longer than the horizon finds its next change gone and flushes, which is the
 * feed's documented behaviour for a pruned history. A batch id older than the horizon can only come
 * back from a journal left unapplied longer than that; ADR 0015 records that trade.
 */
public final class PgRetention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgRetention.class);
    private static final String PRUNE_CHANGES = "DELETE FROM listing_changes WHERE seq IN (SELECT seq FROM listing_changes"
            + " WHERE committed_at < $1 AND seq <= $2 AND seq < (SELECT max(seq) FROM listing_changes)"
            + " ORDER BY seq LIMIT $3)";
    private static final String PRUNE_BATCHES = "DELETE FROM applied_batches WHERE id IN (SELECT id FROM applied_batches"
            + " WHERE applied_at < $1 ORDER BY applied_at LIMIT $2)";

    /** Rows deleted by one pass. */
    public record Pruned(long changes, long batches) {}

    private final Pool pool;
    private final RetentionConfig config;
    private final Clock clock;
    private final LongSupplier delivered;
    private Vertx vertx;
    private long timer = -1;

    /** {@code delivered}: the last sequence this node's change feed delivered (changes after it are kept). */
    public PgRetention(Pool pool, RetentionConfig config, Clock clock, LongSupplier delivered) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.delivered = Objects.requireNonNull(delivered, "delivered");
    }

    /** Prunes every {@link RetentionConfig#interval()} until closed. */
    public synchronized PgRetention start(Vertx on) {
        this.vertx = on;
        timer = on.setPeriodic(config.interval().toMillis(), id -> prune().whenComplete((pruned, err) -> {
            if (err != null) {
                LOG.warn("retention: pruning failed ({}); next try in {}", err.getMessage(), config.interval());
            } else if (pruned.changes() + pruned.batches() > 0) {
                LOG.info("retention: pruned {} outbox rows and {} applied batch ids older than {}", pruned.changes(),
                        pruned.batches(), config.horizon());
            }
        }));
        return this;
    }

    /** One pass: every row past the horizon that may go, in batches of {@link RetentionConfig#batch()}. */
    public CompletionStage<Pruned> prune() {
        OffsetDateTime cutoff = OffsetDateTime.ofInstant(clock.instant().minus(config.horizon()), ZoneOffset.UTC);
        long keepAfter = delivered.getAsLong();
        return drain(PRUNE_CHANGES, Tuple.of(cutoff, keepAfter, config.batch()), 0)
                .compose(changes -> drain(PRUNE_BATCHES, Tuple.of(cutoff, config.batch()), 0)
                        .map(batches -> new Pruned(changes, batches)))
                .recover(e -> Future.failedFuture(PgErrors.toPort(e, pool)))
                .toCompletionStage();
    }

    private Future<Long> drain(String sql, Tuple params, long sofar) {
        return pool.preparedQuery(sql).execute(params).compose(rows -> {
            long total = sofar + rows.rowCount();
            return rows.rowCount() < config.batch() ? Future.succeededFuture(total) : drain(sql, params, total);
        });
    }

    @Override
    public synchronized void close() {
        if (vertx != null && timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
