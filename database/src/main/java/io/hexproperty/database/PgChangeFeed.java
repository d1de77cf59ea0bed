package io.hexproperty.database;

import io.hexproperty.domain.ListingChange;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.port.out.ChangeFeed;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listing change feed over PostgreSQL: the outbox table {@code listing_changes} is the ordered,
 * durable record; {@code LISTEN listing_changes} on a dedicated connection is only the wake-up.
 *
 * <p>Design: every wake-up (a notification, the (re)connect itself, a periodic poll as a safety net)
 * runs one catch-up loop that reads rows with {@code seq > last} in order, in batches, and hands them
 * to the listener. Catch-ups are serialised on one Vert.x context, so delivery is in order and each
 * row is delivered once. When the LISTEN connection drops (or the whole database goes away), nothing
 * is lost: the outbox still holds every change, so the feed reconnects with backoff and catches up
 * from its last sequence, and consumers keep their caches (a node serves what it has while the
 * database is down, ADR 0016). Only when the feed cannot vouch for completeness is the listener told
 * ({@code onConnectionLost}: consumers flush): the rows it needs were pruned (the oldest row is past
 * {@code last + 1}), or the outbox was rewound (its newest row is below {@code last}: a restored
 * backup); then the feed jumps to the present. {@link #start} completes once the first catch-up has
 * delivered every change committed after the start sequence, so a consumer restored from a snapshot
 * is current when it starts.
 */
public final class PgChangeFeed implements ChangeFeed {
    /** The sequences the outbox holds, {@code 0, 0} when it is empty (warm start checks a saved watermark against it). */
    public record Range(long oldest, long newest) {}

    /** The oldest and newest sequence in the outbox. */
    public static CompletionStage<Range> range(Pool pool) {
        return pool.query("SELECT coalesce(min(seq), 0), coalesce(max(seq), 0) FROM listing_changes").execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Range(row.getLong(0), row.getLong(1));
                }).toCompletionStage();
    }

    private static final Logger LOG = LoggerFactory.getLogger(PgChangeFeed.class);
    static final String CHANNEL = "listing_changes";
    private static final int BATCH = 500;
    private static final String FETCH = "SELECT seq, listing_key, version, kind, city, state_or_province, h3_r7,"
            + " committed_at FROM listing_changes WHERE seq > $1 ORDER BY seq LIMIT " + BATCH;

    private final Vertx vertx;
    private final Pool pool;
    private final DatabaseConfig config;
    private final Duration pollInterval;
    private final AtomicLong last = new AtomicLong(-1);
    private Context context;
    private Listener listener;
    private PgConnection connection;
    private boolean fetching;
    private boolean again;
    private boolean closed;
    private long pollTimer = -1;
    private long backoffMillis = 100;
    /** Completed when the first catch-up after start has delivered everything committed until then. */
    private Promise<Void> firstCatchUp;

    /**
     * @param pool         reads the outbox (any connection of the primary)
     * @param config       the dedicated LISTEN connection is opened from it
     * @param pollInterval a catch-up also runs this often without a notification (safety net)
     */
    public PgChangeFeed(Vertx vertx, Pool pool, DatabaseConfig config, Duration pollInterval) {
        this.vertx = Objects.requireNonNull(vertx);
        this.pool = Objects.requireNonNull(pool);
        this.config = Objects.requireNonNull(config);
        this.pollInterval = Objects.requireNonNull(pollInterval);
    }

    @Override
    public CompletionStage<Void> start(long afterSequence, Listener listener) {
        this.listener = Objects.requireNonNull(listener);
        this.context = vertx.getOrCreateContext();
        Promise<Void> started = Promise.promise();
        context.runOnContext(v -> {
            Future<Long> from = afterSequence >= 0 ? Future.succeededFuture(afterSequence)
                    : pool.query("SELECT coalesce(max(seq), 0) FROM listing_changes").execute()
                            .map(rows -> rows.iterator().next().getLong(0));
            from.compose(seq -> {
                last.set(seq);
                firstCatchUp = Promise.promise();
                // Started means replayed: a warm-started cache must not serve an entry the replay would invalidate.
                return connect().compose(connected -> firstCatchUp.future());
            }).onComplete(ar -> {
                if (ar.succeeded()) {
                    pollTimer = vertx.setPeriodic(pollInterval.toMillis(), id -> catchUp());
                    started.complete();
                } else {
                    started.fail(new IllegalStateException("change feed cannot start: " + ar.cause().getMessage(), ar.cause()));
                }
            });
        });
        return started.future().toCompletionStage();
    }

    private Future<Void> connect() {
        return PgConnection.connect(vertx, PgPools.connectOptions(config)).compose(conn -> {
            conn.notificationHandler(n -> {
                if (CHANNEL.equals(n.getChannel())) {
                    catchUp();
                }
            });
            conn.closeHandler(v -> context.runOnContext(x -> lost("LISTEN connection closed")));
            // The outbox's newest row first, LISTEN last (operators and tests find the feed's
            // connection in pg_stat_activity by its last query, 'LISTEN listing_changes'); the catch-up
            // below reads from the last sequence, so nothing committed in between is missed.
            // The rewind check compares with what was delivered before the query was sent: every such
            // row was committed before it, so a healthy outbox has at least that. Catch-ups through
            // the pool keep running meanwhile and may deliver rows committed after the query's
            // snapshot; comparing with those would mistake a busy outbox for a rewound one.
            long delivered = last.get();
            return conn.query("SELECT coalesce(max(seq), 0) FROM listing_changes").execute()
                    .compose(rows -> conn.query("LISTEN " + CHANNEL).execute().map(rows))
                    .map(rows -> {
                        long newest = rows.iterator().next().getLong(0);
                        connection = conn;
                        backoffMillis = 100;
                        if (newest < delivered) {
                            // The outbox is behind what we delivered: another (restored) database.
                            listener.onConnectionLost("outbox rewound: newest sequence " + newest
                                    + " is below the last delivered " + delivered);
                            last.set(newest);
                        }
                        catchUp();
                        return (Void) null;
                    }).onFailure(e -> conn.close());
        });
    }

    private void lost(String reason) {
        connection = null;
        if (closed) {
            return;
        }
        // No flush: the outbox keeps every change, and the catch-up after the reconnect (or the next
        // poll, if only the LISTEN connection broke) delivers them from the last sequence on.
        LOG.warn("change feed: {} after sequence {}; reconnecting, then catching up from there", reason, last.get());
        reconnectLater();
    }

    private void reconnectLater() {
        long delay = backoffMillis;
        backoffMillis = Math.min(5_000, backoffMillis * 2);
        vertx.setTimer(delay, id -> {
            if (!closed && connection == null) {
                connect().onFailure(e -> {
                    LOG.warn("change feed: reconnect failed ({}); retrying in {} ms", e.getMessage(), backoffMillis);
                    reconnectLater();
                });
            }
        });
    }

    /** Runs on the feed's context. Coalesces wake-ups that arrive during a catch-up into one more round. */
    private void catchUp() {
        if (context != null && Vertx.currentContext() != context) {
            context.runOnContext(v -> catchUp());
            return;
        }
        if (closed) {
            return;
        }
        if (fetching) {
            again = true;
            return;
        }
        fetching = true;
        again = false;
        fetchFrom(last.get());
    }

    private void fetchFrom(long after) {
        pool.preparedQuery(FETCH).execute(Tuple.of(after)).onComplete(ar -> {
            if (ar.failed()) {
                fetching = false;
                LOG.debug("change feed: catch-up failed: {}", ar.cause().getMessage());
                if (firstCatchUp != null) {
                    firstCatchUp.tryFail(ar.cause());
                    firstCatchUp = null;
                }
                return;
            }
            RowSet<Row> rows = ar.result();
            long expected = after + 1;
            boolean first = true;
            for (Row row : rows) {
                long seq = row.getLong("seq");
                if (first && seq != expected && after > 0) {
                    // The rows between were pruned: whatever consumers derived may be stale.
                    listener.onConnectionLost("change history pruned: needed " + expected + ", oldest is " + seq);
                }
                first = false;
                deliver(row);
                last.set(seq);
            }
            if (rows.size() == BATCH || again) {
                again = false;
                fetchFrom(last.get());
            } else {
                fetching = false;
                if (firstCatchUp != null) {
                    firstCatchUp.tryComplete();
                    firstCatchUp = null;
                }
            }
        });
    }

    private void deliver(Row row) {
        ListingChange change = new ListingChange(row.getLong("seq"), ListingKey.of(row.getString("listing_key")),
                row.getLong("version"), ListingChange.Kind.valueOf(row.getString("kind")), row.getString("city"),
                row.getString("state_or_province"), row.getLong("h3_r7"),
                row.getOffsetDateTime("committed_at").withOffsetSameInstant(ZoneOffset.UTC).toInstant());
        try {
            listener.onChange(change);
        } catch (RuntimeException e) {
            LOG.error("change feed listener failed on sequence {}", change.sequence(), e);
        }
    }

    @Override
    public long lastSequence() {
        return last.get();
    }

    @Override
    public void close() {
        closed = true;
        if (context != null) {
            context.runOnContext(v -> {
                if (pollTimer >= 0) {
                    vertx.cancelTimer(pollTimer);
                }
                if (connection != null) {
                    connection.close();
                }
            });
        }
    }
}
