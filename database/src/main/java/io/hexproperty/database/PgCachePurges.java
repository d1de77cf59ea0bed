package io.hexproperty.database;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manual cache invalidations shared by every node through the database ({@code cache_purges}, V80):
 * {@link #publish} appends one, and each node's {@link #start poller} hands every row past the last
 * it delivered to its consumer, in order. Polling, not LISTEN: a manual purge is rare and may take a
 * poll interval to reach the other nodes, and a poll that fails (database down) is simply tried again,
 * from the same sequence, at the next interval.
 */
public final class PgCachePurges implements AutoCloseable {
    /** One manual invalidation: {@code scope} is key, tag or all; {@code value} the key or tag ("" for all). */
    public record Purge(long sequence, String scope, String value) {
        public Purge {
            if (!scope.equals("key") && !scope.equals("tag") && !scope.equals("all")) {
                throw new IllegalArgumentException("purge scope must be key, tag or all, got " + scope);
            }
            Objects.requireNonNull(value, "value");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(PgCachePurges.class);
    // hashtext('cache_purges'): serializes writers so that sequence order is commit order.
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext('cache_purges'))";
    private static final String PRUNE = "DELETE FROM cache_purges WHERE requested_at < now() - interval '1 day'";
    private static final String INSERT = "INSERT INTO cache_purges (scope, value) VALUES ($1, $2) RETURNING seq";
    private static final String FETCH = "SELECT seq, scope, value FROM cache_purges WHERE seq > $1 ORDER BY seq LIMIT 500";

    private final Vertx vertx;
    private final Pool pool;
    private final Duration interval;
    private Context context;
    private long last = -1;
    private long timer = -1;
    private boolean polling;
    private volatile boolean closed;

    public PgCachePurges(Vertx vertx, Pool pool, Duration interval) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.interval = Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive, got " + interval);
        }
    }

    /** Appends a purge for every node; completes with its sequence, or fails with a StoreUnavailableException. */
    public static CompletionStage<Long> publish(Pool pool, String scope, String value) {
        new Purge(0, scope, value); // validates
        return pool.withTransaction(conn -> conn.query(LOCK).execute()
                        .compose(locked -> conn.query(PRUNE).execute())
                        .compose(pruned -> conn.preparedQuery(INSERT).execute(Tuple.of(scope, value)))
                        .map(rows -> rows.iterator().next().getLong(0)))
                .recover(e -> Future.failedFuture(PgErrors.toPort(e, pool)))
                .toCompletionStage();
    }

    /** Delivers purges published from now on (after the current newest row) to {@code consumer}, on one context. */
    public CompletionStage<Void> start(Consumer<Purge> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        context = vertx.getOrCreateContext();
        return pool.query("SELECT coalesce(max(seq), 0) FROM cache_purges").execute().map(rows -> {
            long newest = rows.iterator().next().getLong(0);
            context.runOnContext(v -> {
                last = newest;
                timer = vertx.setPeriodic(interval.toMillis(), id -> poll(consumer));
            });
            return (Void) null;
        }).recover(e -> Future.failedFuture(PgErrors.toPort(e, pool))).toCompletionStage();
    }

    /** The last sequence delivered (-1 before start). */
    public long lastSequence() {
        return last;
    }

    private void poll(Consumer<Purge> consumer) {
        if (polling || closed) {
            return;
        }
        polling = true;
        pool.preparedQuery(FETCH).execute(Tuple.of(last)).onComplete(ar -> {
            polling = false;
            if (ar.failed()) {
                LOG.debug("cache purges: poll after {} failed ({}); next try in {}", last, ar.cause().getMessage(), interval);
                return;
            }
            for (Row row : ar.result()) {
                Purge purge = new Purge(row.getLong("seq"), row.getString("scope"), row.getString("value"));
                try {
                    consumer.accept(purge);
                } catch (RuntimeException e) {
                    LOG.error("cache purge {} failed on this node", purge, e);
                }
                last = purge.sequence();
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        if (context != null) {
            context.runOnContext(v -> {
                if (timer >= 0) {
                    vertx.cancelTimer(timer);
                }
            });
        }
    }
}
