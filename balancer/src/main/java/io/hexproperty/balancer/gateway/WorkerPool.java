package io.hexproperty.balancer.gateway;

import io.hexproperty.balancer.algorithms.Endpoint;
import io.hexproperty.balancer.algorithms.PeakEwma;
import io.hexproperty.balancer.algorithms.ResourceReport;
import io.hexproperty.balancer.health.HealthCheck;
import io.hexproperty.balancer.health.HealthStatus;
import io.hexproperty.balancer.health.OutlierDetector;
import io.hexproperty.balancer.health.OutlierDetector.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's membership: workers are added, drained and removed at runtime (by the cluster supervisor,
 * an operator through the admin API, or an autoscaler), each with active health checks, passive outlier
 * detection, slow start and, when it has an agent port, resource reports.
 *
 * <p>Design: the data plane reads {@link #candidates()} on every request. That list is built from a
 * copy-on-write membership list and each worker's volatile/atomic state, so picks never take a pool-wide
 * lock; membership changes are rare and pay the copy. A worker is eligible when it is not draining, its
 * health is not DOWN (UNKNOWN counts only when there is no active check) and it is not ejected. When
 * fewer than the panic threshold of active workers are eligible, every active worker is a candidate.
 *
 * <p>Standby workers (the autoscaler's warm pool, ADR 0023) are members that are health-checked and polled
 * like the others but are never candidates, not even in panic, until {@link #admit} puts them in rotation:
 * the gateway keeps checking them while they wait, so an admitted standby is routable at once.
 */
public final class WorkerPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

    private final Vertx vertx;
    private final PoolConfig config;
    private final List<HealthCheck> checks;
    private final LongSupplier nanoTicker;
    private final Clock clock;
    private final CopyOnWriteArrayList<Worker> workers = new CopyOnWriteArrayList<>();
    private final Map<String, List<Long>> timers = new ConcurrentHashMap<>();
    private final NetClient agentClient;

    /**
     * @param checks the active checks every worker gets (all must pass); empty means workers are trusted
     *               until passive detection says otherwise
     */
    public WorkerPool(Vertx vertx, PoolConfig config, List<HealthCheck> checks, LongSupplier nanoTicker, Clock clock) {
        this.vertx = vertx;
        this.config = config;
        this.checks = List.copyOf(checks);
        this.nanoTicker = nanoTicker;
        this.clock = clock;
        this.agentClient = vertx.createNetClient(new NetClientOptions().setConnectTimeout(1000).setIdleTimeout(2));
    }

    public PoolConfig config() {
        return config;
    }

    /** Adds a worker (agentPort 0: none); it takes traffic after its first passing health check. */
    public synchronized void add(String id, URI origin, double weight, int agentPort) {
        add(id, origin, weight, agentPort, false);
    }

    /** Adds a worker kept out of rotation (health-checked, never a candidate) until {@link #admit}. */
    public synchronized void addStandby(String id, URI origin, double weight, int agentPort) {
        add(id, origin, weight, agentPort, true);
    }

    /**
     * Puts a standby in rotation. Its slow start counts from now (it has served nothing yet), or, when its
     * checks have not passed yet, from its first passing check as for any new worker.
     */
    public synchronized void admit(String id) {
        Worker w = require(id);
        if (!w.standby) {
            throw new IllegalArgumentException("worker " + id + " is not a standby (state " + view(w).state() + ")");
        }
        if (w.health.state() == HealthStatus.State.UP || checks.isEmpty()) {
            w.inServiceSinceNanos = nanoTicker.getAsLong();
        }
        w.standby = false;
        LOG.info("worker {} admitted from standby (health {})", id, w.health.state());
    }

    /** True when the worker is in the pool as a standby. */
    public boolean isStandby(String id) {
        Worker w = find(id);
        return w != null && w.standby;
    }

    /**
     * The worker's process is gone ({@code why}: its exit) and its supervisor will start it again: from now on it
     * gets no request, not even in panic, because its port is free for any other process to take. It stays
     * listed (state {@code restarting}) until {@link #restarted}. False when no such worker is in the pool.
     */
    public synchronized boolean exited(String id, String why) {
        Worker w = find(id);
        if (w == null) {
            return false;
        }
        w.exited = why;
        cancelTimers(id); // no probe either: whatever listens there now is not ours
        LOG.warn("worker {} at {} exited ({}); no request goes there until it is restarted", id, w.origin, why);
        return true;
    }

    /**
     * A new process of the worker listens at {@code origin}, which is a new address when its old port was taken
     * while it was down. Its entry is replaced by a fresh one there, in the same place: health, ejections,
     * latency and counters start over (a new JVM is a new worker to the gateway: its checks must pass first
     * and slow start applies), so nothing is ever sent to the old address again. A worker that was draining (or a
     * standby) stays so. False when no such worker is in the pool (it was removed meanwhile).
     */
    public synchronized boolean restarted(String id, URI origin, int agentPort) {
        Worker old = find(id);
        if (old == null) {
            return false;
        }
        cancelTimers(id);
        Worker fresh = newMember(id, origin, old.weight, agentPort);
        fresh.draining = old.draining;
        fresh.standby = old.standby;
        workers.set(workers.indexOf(old), fresh);
        if (fresh.draining && fresh.inFlight.get() == 0) {
            fresh.drained.complete(null);
        }
        old.drained.complete(null);
        LOG.info("worker {} restarted at {}{}", id, origin, origin.equals(old.origin) ? "" : " (was " + old.origin + ")");
        return true;
    }

    private void add(String id, URI origin, double weight, int agentPort, boolean standby) {
        if (id != null && find(id) != null) {
            throw new IllegalArgumentException("worker " + id + " is already in the pool");
        }
        Worker w = newMember(id, origin, weight, agentPort);
        w.standby = standby;
        workers.add(w);
        LOG.info("worker {} added{}: {} weight {}{}", id, standby ? " as a standby" : "", origin, weight,
                agentPort > 0 ? " agent port " + agentPort : "");
    }

    /** A new member with its timers started, not yet in the list (the caller adds it, under the pool's lock). */
    private Worker newMember(String id, URI origin, double weight, int agentPort) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("worker id must not be blank");
        }
        if (origin.getHost() == null || origin.getPort() <= 0) {
            throw new IllegalArgumentException("worker origin must be http://host:port, was " + origin);
        }
        if (!(weight > 0)) {
            throw new IllegalArgumentException("worker weight must be > 0, was " + weight);
        }
        Worker w = new Worker(id, origin, weight, agentPort,
                new HealthStatus(config.health().rise(), config.health().fall()),
                new OutlierDetector(config.outlier(), nanoTicker), new PeakEwma(nanoTicker, config.latencyDecay()),
                clock.millis());
        if (checks.isEmpty()) {
            w.inServiceSinceNanos = nanoTicker.getAsLong();
        }
        List<Long> ids = new ArrayList<>();
        if (!checks.isEmpty()) {
            ids.add(vertx.setPeriodic(1, config.health().interval().toMillis(), t -> probe(w)));
        }
        if (agentPort > 0) {
            ids.add(vertx.setPeriodic(1, config.agentInterval().toMillis(), t -> pollAgent(w)));
        }
        timers.put(id, ids);
        return w;
    }

    private void cancelTimers(String id) {
        List<Long> ids = timers.remove(id);
        if (ids != null) {
            ids.forEach(vertx::cancelTimer);
        }
    }

    /**
     * Stops sending new requests to the worker; completes when its in-flight requests have finished (at
     * once when there are none). The worker stays listed as draining until {@link #remove}.
     */
    public CompletionStage<Void> drain(String id) {
        Worker w = require(id);
        w.draining = true;
        if (w.inFlight.get() == 0) {
            w.drained.complete(null);
        }
        LOG.info("worker {} draining ({} in flight)", id, w.inFlight.get());
        return w.drained.copy();
    }

    /** Forgets the worker at once (in-flight requests to it still complete). */
    public synchronized void remove(String id) {
        Worker w = require(id);
        workers.remove(w);
        cancelTimers(id);
        w.drained.complete(null);
        LOG.info("worker {} removed", id);
    }

    public boolean contains(String id) {
        return find(id) != null;
    }

    public List<WorkerView> workers() {
        List<WorkerView> views = new ArrayList<>();
        for (Worker w : workers) {
            views.add(view(w));
        }
        return views;
    }

    /** The endpoints the balancer may choose from now, after health, ejection, drain and panic rules. */
    List<Endpoint> candidates() {
        return candidates(null);
    }

    /** As {@link #candidates()}, without {@code excluded} (the worker a retry moves away from). */
    List<Endpoint> candidates(Worker excluded) {
        List<Endpoint> eligible = new ArrayList<>(workers.size());
        int active = 0;
        for (Worker w : workers) {
            if (w.draining || w.standby || w == excluded) {
                continue;
            }
            active++; // an exited worker counts: it is a member that cannot serve now, as a down one
            if (w.exited != null) {
                continue;
            }
            if (eligible(w)) {
                eligible.add(w.endpoint(config.slowStart().factor(sinceInService(w))));
            }
        }
        if (active > 0 && eligible.size() * 100 < config.outlier().panicThresholdPercent() * active) {
            eligible.clear(); // panic: spread over every active worker rather than crush the few left
            for (Worker w : workers) {
                // a worker that never passed a check has not proven it can serve at all: not even in panic
                if (!w.draining && !w.standby && w != excluded && w.exited == null
                        && (checks.isEmpty() || w.health.state() != HealthStatus.State.UNKNOWN)) {
                    eligible.add(w.endpoint(1));
                }
            }
        }
        return eligible;
    }

    Worker worker(String id) {
        return find(id);
    }

    private boolean eligible(Worker w) {
        HealthStatus.State h = w.health.state();
        return (h == HealthStatus.State.UP || (h == HealthStatus.State.UNKNOWN && checks.isEmpty())) && !w.outlier.isEjected();
    }

    private long sinceInService(Worker w) {
        long back = w.outlier.sinceReturnNanos();
        long since = w.inServiceSinceNanos < 0 ? -1 : nanoTicker.getAsLong() - w.inServiceSinceNanos;
        if (back >= 0 && (since < 0 || back < since)) {
            return back;
        }
        return since;
    }

    /** The data plane reports how an exchange with the worker ended. */
    void record(Worker w, Outcome outcome) {
        if (outcome != Outcome.SUCCESS) {
            w.failures.incrementAndGet();
        }
        if (w.outlier.record(outcome)) {
            synchronized (this) {
                int ejected = 0;
                for (Worker other : workers) {
                    if (other.outlier.isEjected()) {
                        ejected++;
                    }
                }
                if (OutlierDetector.mayEject(config.outlier(), ejected, workers.size()) && !w.outlier.isEjected()) {
                    long nanos = w.outlier.eject();
                    LOG.warn("worker {} ejected for {} ms after {} (ejection #{})", w.id, nanos / 1_000_000,
                            switch (outcome) {
                                case SERVER_ERROR -> "5xx answers";
                                case UNREACHABLE -> "a refused or reset connection";
                                default -> "connection failures/timeouts";
                            }, w.outlier.ejections());
                }
            }
        }
    }

    private void probe(Worker w) {
        long timeout = config.health().timeout().toMillis();
        List<Future<Void>> all = new ArrayList<>();
        for (HealthCheck c : checks) {
            Future<Void> f = c.probe(w.origin, config.health().timeout());
            all.add(f.timeout(timeout + 50, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .recover(e -> Future.failedFuture(c.describe() + ": " + message(e))));
        }
        Future.all(all).onComplete(ar -> {
            boolean passed = ar.succeeded();
            String detail = passed ? "ok" : message(ar.cause());
            HealthStatus.State before = w.health.state();
            if (w.health.record(clock.millis(), passed, detail)) {
                HealthStatus.State now = w.health.state();
                if (now == HealthStatus.State.UP && !w.standby) {
                    w.inServiceSinceNanos = nanoTicker.getAsLong();
                }
                LOG.info("worker {} health {} -> {} ({})", w.id, before, now, detail);
            }
        });
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /**
     * Asks the worker's agent for "stats": it answers one line such as
     * {@code up 63% cpu=0.31 loop=1.2 waiters=0}.
     */
    private void pollAgent(Worker w) {
        agentClient.connect(w.agentPort, w.origin.getHost()).compose(socket -> readLine(socket)).onComplete(ar -> {
            if (ar.succeeded()) {
                try {
                    w.resources = parseStats(ar.result());
                    w.agentError = null;
                } catch (IllegalArgumentException e) {
                    w.agentError = e.getMessage();
                }
            } else {
                w.agentError = message(ar.cause());
            }
        });
    }

    private static Future<String> readLine(NetSocket socket) {
        io.vertx.core.Promise<String> line = io.vertx.core.Promise.promise();
        Buffer acc = Buffer.buffer();
        socket.handler(b -> {
            acc.appendBuffer(b);
            String s = acc.toString();
            int nl = s.indexOf('\n');
            if (nl >= 0) {
                line.tryComplete(s.substring(0, nl).strip());
                socket.close();
            }
        });
        socket.closeHandler(v -> line.tryFail("agent closed without a line"));
        socket.exceptionHandler(line::tryFail);
        socket.write("stats\n");
        return line.future();
    }

    static ResourceReport parseStats(String line) {
        double cpu = 0;
        double loop = 0;
        int waiters = 0;
        int inUse = -1;
        double heap = -1;
        for (String token : line.split("[\\s,]+")) {
            int eq = token.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = token.substring(0, eq);
            String value = token.substring(eq + 1);
            try {
                switch (key) {
                    case "cpu" -> cpu = Math.max(0, Math.min(1, Double.parseDouble(value)));
                    case "loop" -> loop = Math.max(0, Double.parseDouble(value));
                    case "waiters" -> waiters = Math.max(0, Integer.parseInt(value));
                    case "inuse" -> inUse = Math.max(0, Integer.parseInt(value));
                    case "heap" -> heap = Math.max(0, Double.parseDouble(value));
                    default -> { }
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("agent sent a bad " + key + " value '" + value + "' in '" + line + "'");
            }
        }
        if (Double.isNaN(heap)) {
            throw new IllegalArgumentException("agent sent a bad heap value in '" + line + "'");
        }
        return new ResourceReport(cpu, loop, waiters, inUse, heap);
    }

    private WorkerView view(Worker w) {
        String state;
        if (w.draining) {
            state = "draining";
        } else if (w.exited != null) {
            state = "restarting";
        } else if (w.standby) {
            state = "standby"; // out of rotation whatever its health; the health field tells whether it could serve
        } else if (w.outlier.isEjected()) {
            state = "ejected";
        } else {
            state = switch (w.health.state()) {
                case UP -> "up";
                case DOWN -> "down";
                case UNKNOWN -> checks.isEmpty() ? "up" : "starting";
            };
        }
        double factor = config.slowStart().factor(sinceInService(w));
        return new WorkerView(w.id, w.origin.toString(), state, w.weight, w.weight * factor, w.inFlight.get(),
                w.latency.cost() / 1e6, w.requests.get(), w.failures.get(), w.health.state().name().toLowerCase(),
                w.health.history(), w.outlier.ejections(), w.outlier.remainingNanos() / 1_000_000, w.resources, w.agentError);
    }

    private Worker find(String id) {
        for (Worker w : workers) {
            if (w.id.equals(id)) {
                return w;
            }
        }
        return null;
    }

    private Worker require(String id) {
        Worker w = find(id);
        if (w == null) {
            throw new IllegalArgumentException("no worker '" + id + "' in the pool; workers: "
                    + workers.stream().map(x -> x.id).toList());
        }
        return w;
    }

    @Override
    public synchronized void close() {
        for (Worker w : List.copyOf(workers)) {
            remove(w.id);
        }
        agentClient.close();
    }

    /** Completes when every worker has no request in flight. */
    public CompletableFuture<Void> drainAll() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Worker w : workers) {
            all.add(drain(w.id).toCompletableFuture());
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }
}
