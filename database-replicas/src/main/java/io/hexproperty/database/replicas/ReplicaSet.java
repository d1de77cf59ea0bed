package io.hexproperty.database.replicas;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.PgPools;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primary and its streaming replicas, one pool each, watched by a {@link HealthChecker}.
 *
 * <p>Which node is the primary can change while the process runs: {@link #promote} (or a
 * {@code pg_promote()} run by anyone else, which the health checker notices as a replica that has
 * left recovery) makes a replica the primary. The former primary and the other replicas are then
 * retired: they still follow the old primary's history, so serving reads from them could return
 * data the new primary no longer has, and writes to the old primary would be lost (split brain).
 * They rejoin only by being rebuilt (for embedded replicas: at the next start).
 */
public final class ReplicaSet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSet.class);

    /**
     * Timings of health checking and reads.
     *
     * @param healthInterval how often every node is polled (default 200 ms)
     * @param healthTimeout a poll (fresh connection plus one query) slower than this marks the node down (default 300 ms)
     * @param readTimeout a read not answered within this is retried once elsewhere and its node marked down (default 1 s)
     * @param writeTimeout a write not answered within this fails with its outcome unknown (default 5 s); never retried
     */
    public record Config(Duration healthInterval, Duration healthTimeout, Duration readTimeout, Duration writeTimeout) {
        public static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofMillis(200);
        public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofMillis(300);
        public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(1);
        public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(5);

        public Config {
            positive("health interval", healthInterval);
            positive("health timeout", healthTimeout);
            positive("read timeout", readTimeout);
            positive("write timeout", writeTimeout);
        }

        public static Config defaults() {
            return new Config(DEFAULT_HEALTH_INTERVAL, DEFAULT_HEALTH_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_WRITE_TIMEOUT);
        }

        private static void positive(String what, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, not " + d);
            }
        }
    }

    private final Vertx vertx;
    private final Config settings;
    private final List<Node> nodes;
    private final LongSupplier ticker;
    private final HealthChecker health;
    private volatile Node primary;
    /** Recomputed when roles change, not per read. */
    private volatile List<Node> replicas;

    private ReplicaSet(Vertx vertx, Config settings, List<Node> nodes, LongSupplier ticker, MeterRegistry registry) {
        this.vertx = vertx;
        this.settings = settings;
        this.nodes = List.copyOf(nodes);
        this.ticker = ticker;
        this.primary = nodes.get(0);
        this.replicas = this.nodes.stream().filter(n -> n.role() == Node.Role.REPLICA).toList();
        this.health = new HealthChecker(vertx, this, settings, ticker, registry);
    }

    /**
     * Opens a pool per node (lazily: nothing connects yet) and starts polling. Pool size, wait
     * queue and acquire timeout come from each node's {@link DatabaseConfig}.
     */
    public static ReplicaSet start(Vertx vertx, DatabaseConfig primary, List<DatabaseConfig> replicas, Config settings,
                                   MeterRegistry registry) {
        return start(vertx, primary, replicas, settings, registry, System::nanoTime);
    }

    static ReplicaSet start(Vertx vertx, DatabaseConfig primary, List<DatabaseConfig> replicas, Config settings,
                            MeterRegistry registry, LongSupplier ticker) {
        Objects.requireNonNull(primary, "primary");
        List<Node> nodes = new ArrayList<>();
        nodes.add(node(vertx, "primary", primary, Node.Role.PRIMARY, registry, ticker));
        for (int i = 0; i < replicas.size(); i++) {
            nodes.add(node(vertx, "replica-" + (i + 1), replicas.get(i), Node.Role.REPLICA, registry, ticker));
        }
        ReplicaSet set = new ReplicaSet(vertx, settings, nodes, ticker, registry);
        set.health.start();
        return set;
    }

    private static Node node(Vertx vertx, String name, DatabaseConfig config, Node.Role role, MeterRegistry registry,
                             LongSupplier ticker) {
        Node node = new Node(name, config, PgPools.create(vertx, config), role);
        Tags tags = Tags.of("node", name);
        // No percentile histogram: this is recorded on every operation, and count, total and max
        // show whether a pool waits at all; request latency histograms live at the HTTP layer.
        Timer waits = Timer.builder("db.pool.wait").description("Wait for a pooled connection").tags(tags).register(registry);
        node.gate(new NodeGate(name, config.poolSize(), config.maxWaitQueue(), config.acquireTimeout(), vertx,
                () -> node.pool().size(), waits, ticker));
        Gauge.builder("db.pool.active", node, Node::active).description("Connections leased by an operation").tags(tags).register(registry);
        Gauge.builder("db.pool.idle", node, Node::idle).description("Open connections not leased").tags(tags).register(registry);
        Gauge.builder("db.pool.waiting", node, Node::waiting).description("Operations waiting for a connection").tags(tags).register(registry);
        Gauge.builder("db.replica.lag", node, n -> n.lag().toNanos() / 1e9).baseUnit("seconds")
                .description("Replay lag at the last health poll").tags(tags).register(registry);
        Gauge.builder("db.node.up", node, n -> n.up() && n.role() != Node.Role.RETIRED ? 1 : 0)
                .description("1 while the node takes traffic").tags(tags).register(registry);
        return node;
    }

    /** The node writes go to now. */
    public Node primary() {
        return primary;
    }

    /** The nodes that serve reads now (up or down), in configuration order. */
    public List<Node> replicas() {
        return replicas;
    }

    /** Every node, primary first as configured, whatever its role now. */
    public List<Node> nodes() {
        return nodes;
    }

    public Config settings() {
        return settings;
    }

    /**
     * Promotes {@code replica} with {@code pg_promote()} (waiting up to 30 s for it to finish) and
     * sends writes to it from then on. Completes with the new primary.
     */
    public CompletionStage<Node> promote(Node replica) {
        if (!nodes.contains(replica) || replica.role() != Node.Role.REPLICA) {
            throw new IllegalArgumentException("only a replica of this set can be promoted, not " + replica);
        }
        long started = ticker.getAsLong();
        return replica.pool().query("SELECT pg_promote(true, 30)").execute().compose(rows -> {
            Row row = rows.iterator().next();
            if (!Boolean.TRUE.equals(row.getBoolean(0))) {
                return Future.failedFuture(new IllegalStateException("pg_promote() on " + replica.name()
                        + " did not finish within 30 s; see its server log"));
            }
            adopt(replica, "promoted by this process");
            LOG.info("{} promoted in {} ms", replica.name(), TimeUnit.NANOSECONDS.toMillis(ticker.getAsLong() - started));
            return Future.succeededFuture(replica);
        }).toCompletionStage();
    }

    /** Makes {@code replica} the primary and retires everything that follows the old one. */
    synchronized void adopt(Node replica, String why) {
        if (replica.role() != Node.Role.REPLICA) {
            return;
        }
        Node former = primary;
        former.role(Node.Role.RETIRED);
        for (Node n : nodes) {
            if (n != replica && n.role() == Node.Role.REPLICA) {
                n.role(Node.Role.RETIRED);
            }
        }
        replica.role(Node.Role.PRIMARY);
        primary = replica;
        replicas = List.of();
        LOG.warn("{} ({}) is the primary now ({}); writes go to it. Retired: {} and the replicas still following it,"
                + " until they are rebuilt", replica.name(), replica.address(), why, former.name());
    }

    HealthChecker health() {
        return health;
    }

    Vertx vertx() {
        return vertx;
    }

    long now() {
        return ticker.getAsLong();
    }

    @Override
    public void close() {
        health.stop();
        for (Node n : nodes) {
            try {
                n.pool().close().await(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("pool of {} did not close cleanly: {}", n.name(), e.toString());
            }
        }
    }
}
