package io.hexproperty.database.replicas;

import io.hexproperty.database.PgPools;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls every node every {@code healthInterval} on a <em>fresh</em> connection: a pooled one would
 * keep answering through its own backend process while the postmaster hangs (kill -STOP), and the
 * pool could not open a single new connection. A poll that fails or exceeds {@code healthTimeout}
 * marks the node down; the next one that succeeds marks it up. A node keeps at most one poll in
 * flight, so a hung server costs one pending socket, not one per interval.
 *
 * <p>Each poll reads the node's WAL position (replayed on a replica, inserted on the primary) and
 * its replay timestamp. A replica's lag is zero when it has replayed the primary's last polled
 * position, else the age of its last replayed commit: an idle primary does not make a caught-up
 * replica look late. A replica found out of recovery was promoted (by us or by an operator's
 * {@code hexproperty db promote}), and becomes the primary.
 */
final class HealthChecker {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);
    private static final String POLL = "SELECT pg_is_in_recovery(),"
            + " (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_insert_lsn() END)::text,"
            + " COALESCE(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0)::float8";
    /** A poll still pending after this long is abandoned so that a new one may start. */
    private static final int ABANDON_AFTER_TIMEOUTS = 10;
    private static final int FIRST_POLL_GRACE = 10;

    private final Vertx vertx;
    private final ReplicaSet set;
    private final ReplicaSet.Config settings;
    private final LongSupplier ticker;
    private final Map<Node, Long> inFlight = new ConcurrentHashMap<>();
    private final Map<Node, Counter> ejections = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private long timer = -1;

    HealthChecker(Vertx vertx, ReplicaSet set, ReplicaSet.Config settings, LongSupplier ticker, MeterRegistry registry) {
        this.vertx = vertx;
        this.set = set;
        this.settings = settings;
        this.ticker = ticker;
        this.registry = registry;
    }

    synchronized void start() {
        pollAll();
        timer = vertx.setPeriodic(settings.healthInterval().toMillis(), id -> pollAll());
    }

    synchronized void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** Marks {@code node} down now (also for a failed or timed-out read): no wait for the next poll. */
    void eject(Node node, String reason, boolean hard) {
        if (node.markDown(reason, ticker.getAsLong(), hard)) {
            ejections(node).increment();
            LOG.warn("{} ({}) marked down: {}", node.name(), node.address(), reason);
        }
    }

    private Counter ejections(Node node) {
        return ejections.computeIfAbsent(node, n -> Counter.builder("db.node.ejections").tag("node", n.name())
                .description("Times the node was marked down").register(registry));
    }

    private void pollAll() {
        for (Node node : set.nodes()) {
            if (node.role() != Node.Role.RETIRED) {
                poll(node);
            }
        }
    }

    private void poll(Node node) {
        long started = ticker.getAsLong();
        long timeoutNanos = settings.healthTimeout().toNanos();
        Long pending = inFlight.putIfAbsent(node, started);
        if (pending != null) {
            if (started - pending < ABANDON_AFTER_TIMEOUTS * timeoutNanos) {
                return;
            }
            inFlight.put(node, started);
        }
        PgConnectOptions options = PgPools.connectOptions(node.config());
        options.addProperty("application_name", "hexproperty-health");
        // The first poll of a node also pays for a cold JVM and the first TLS/auth handshake code path.
        long timeoutMs = Math.max(1, settings.healthTimeout().toMillis()) * (node.polled() ? 1 : FIRST_POLL_GRACE);
        long timeoutTimer = vertx.setTimer(timeoutMs, id -> {
            Long current = inFlight.get(node);
            if (current != null && current == started) {
                eject(node, "health check timed out after " + timeoutMs + " ms", false);
            }
        });
        PgConnection.connect(vertx, options)
                .compose(conn -> conn.query(POLL).execute().eventually(conn::close))
                .onComplete(result -> {
                    vertx.cancelTimer(timeoutTimer);
                    if (!inFlight.remove(node, started)) {
                        return;
                    }
                    // A late answer still proves the node alive: it was ejected at the timeout and comes back now.
                    if (result.failed()) {
                        eject(node, "health check failed: " + oneLine(result.cause()), true);
                    } else {
                        record(node, result.result().iterator().next());
                    }
                });
    }

    private void record(Node node, Row row) {
        boolean recovery = Boolean.TRUE.equals(row.getBoolean(0));
        String lsn = row.getString(1);
        long position = lsn == null ? 0 : ConsistencyToken.parse(lsn).lsn();
        double replayAge = row.getDouble(2) == null ? 0 : row.getDouble(2);
        if (node.role() == Node.Role.REPLICA && !recovery) {
            set.adopt(node, "found out of recovery by the health checker");
        }
        if (node.role() == Node.Role.PRIMARY && recovery) {
            eject(node, "the primary is in recovery (a standby): writes would fail", true);
            return;
        }
        Duration lag = Duration.ZERO;
        if (node.role() == Node.Role.REPLICA && position < set.primary().position()) {
            lag = Duration.ofNanos((long) (Math.max(0, replayAge) * 1e9));
        }
        if (node.markUp(position, lag)) {
            LOG.info("{} ({}) is up again", node.name(), node.address());
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }
}
