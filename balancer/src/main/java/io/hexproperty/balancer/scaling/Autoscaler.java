package io.hexproperty.balancer.scaling;

import io.hexproperty.balancer.gateway.Gateway;
import io.hexproperty.balancer.gateway.WorkerFleet;
import io.hexproperty.balancer.gateway.WorkerPool;
import io.hexproperty.balancer.gateway.WorkerView;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control loop in the gateway: once per {@code interval} it samples the gateway and the pool into a
 * {@link MetricWindow}, asks the {@link ScalingPolicy}, and applies the decision through the
 * {@link WorkerFleet}.
 *
 * <p>Actions. Scale out: {@link WorkerFleet#addWorker()} starts a worker and registers it once it answers
 * ready; the pool admits it with slow start; the time from start to ready is reported to the policy as the
 * measured start-up. Scale in: the least busy ready worker is removed with {@link WorkerFleet#removeWorker},
 * which drains it (no new requests, in-flight ones finish) before stopping it. Workers being added count
 * as current (starting) so a decision is never repeated; workers being removed no longer count.
 *
 * <p>Signals: arrival rate from the gateway's request counter; in-flight, CPU and loop delay from the pool's
 * worker views (CPU and loop delay from worker agents, when they report); p99 approximated by the highest
 * peak-EWMA latency of a ready worker past its slow start (the gateway keeps no histogram; see
 * {@link #p99Proxy}); queue = requests in flight at the workers, which under emulated capacity are mostly queued.
 *
 * <p>Warm pool ({@link WarmPool}, ADR 0023): a scale-out admits warm standbys first (no start-up: they are
 * routable at once, with the pool's slow start), then claims standbys still starting (admitted when ready,
 * counted as starting meanwhile), and starts cold workers only for the rest, which the
 * connection budget must allow with the standbys counted; then the pool is refilled in the background. A
 * scale-in hands the worker to {@link WarmPool#retire}: drained as always, then kept as a standby when the
 * pool is short. Standbys are neither current nor ready for the policy; their cost is integrated apart
 * ({@link #standbyWorkerSeconds}).
 *
 * <p>Also kept for the admin port and the dashboard: the last {@value #KEPT_POINTS} control steps (current,
 * desired, ready) and the usage each ready worker reported (connections in use and waiting, CPU, loop delay,
 * heap after GC), which the {@link VerticalAdvisor} sizes workers from.
 */
public final class Autoscaler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Autoscaler.class);
    static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final int KEPT_DECISIONS = 50;
    static final int KEPT_POINTS = 300;
    /** Usage samples kept for the vertical advisor: 10 minutes of one worker, or fewer minutes of more. */
    static final int KEPT_USAGE = 600;

    /** One control step as the dashboard charts it. */
    public record Point(Instant at, int current, int desired, int ready) {}

    private final Vertx vertx;
    private final ScalingPolicy policy;
    private final ScalingConfig config;
    private final Gateway gateway;
    private final WorkerPool pool;
    private final WorkerFleet fleet;
    private final EventBoard events;
    private final WarmPool warmPool;
    private final Clock clock;
    private final MetricWindow window = new MetricWindow(Duration.ofMinutes(15));
    private final AtomicInteger adding = new AtomicInteger();
    private final Set<String> removing = ConcurrentHashMap.newKeySet();
    private final ArrayDeque<Decision> recent = new ArrayDeque<>();
    private final ArrayDeque<Point> points = new ArrayDeque<>();
    private final ArrayDeque<WorkerUsage> usage = new ArrayDeque<>();
    private final Map<String, AtomicLong> decisionsByRule = new ConcurrentHashMap<>();
    private final AtomicLong failedActions = new AtomicLong();
    private volatile Decision last;
    private volatile Duration measuredStartup;
    /** Workers running (ready, starting or draining) integrated over time: what a cloud bills instances by. */
    private volatile double workerSeconds;
    private volatile int billedWorkers;
    /** Standbys (warm and starting) integrated over time: billed like any worker, reported apart. */
    private volatile double standbyWorkerSeconds;
    private volatile int standbyWorkers;
    private volatile boolean held;
    private long timer = -1;
    private long lastRequests = -1;
    private long lastNanos;

    public Autoscaler(Vertx vertx, ScalingPolicy policy, ScalingConfig config, Gateway gateway, WorkerPool pool, WorkerFleet fleet,
                      EventBoard events, Clock clock) {
        this(vertx, policy, config, gateway, pool, fleet, events, WarmPool.none(), clock);
    }

    public Autoscaler(Vertx vertx, ScalingPolicy policy, ScalingConfig config, Gateway gateway, WorkerPool pool, WorkerFleet fleet,
                      EventBoard events, WarmPool warmPool, Clock clock) {
        this.warmPool = warmPool;
        this.vertx = vertx;
        this.policy = policy;
        this.config = config;
        this.gateway = gateway;
        this.pool = pool;
        this.fleet = fleet;
        this.events = events;
        this.clock = clock;
    }

    public Autoscaler start(Duration interval) {
        timer = vertx.setPeriodic(interval.toMillis(), t -> tick());
        LOG.info("autoscaler {} on: {}..{} workers, capacity {} rps per worker, warm pool {}", policy.name(), config.minWorkers(),
                config.maxWorkers(), config.workerCapacityRps() > 0 ? config.workerCapacityRps() : "unknown", warmPool.size());
        return this;
    }

    /** One control step; public for tests that drive it by hand. */
    public synchronized Decision tick() {
        MetricSample s = sample();
        if (s != null && held) {
            remember(new Point(s.at(), s.currentWorkers(), s.currentWorkers(), s.readyWorkers()));
        }
        if (held) {
            return null; // a vertical roll is adding and removing workers; samples still advance the rate counter
        }
        if (s == null) {
            // the first step only takes the request counter's baseline; the warm pool need not wait for it
            warmPool.refill((int) pool.workers().stream().filter(w -> !w.state().equals("standby") && !w.state().equals("draining")).count());
            return null;
        }
        window.add(s);
        Decision d = policy.decide(window);
        last = d;
        remember(new Point(s.at(), d.current(), d.desired(), s.readyWorkers()));
        if (d.desired() != d.current() || d.refused()) {
            record(d);
        }
        int inRotation = apply(d);
        // after the admission, never before it: the replacement standby starts in the background
        warmPool.refill(inRotation);
        return d;
    }

    private MetricSample sample() {
        long nanos = System.nanoTime();
        long requests = gateway.stats().getLong("requests", 0L);
        if (lastRequests < 0) {
            lastRequests = requests;
            lastNanos = nanos;
            return null;
        }
        double seconds = Math.max(1e-3, (nanos - lastNanos) / 1e9);
        double rate = (requests - lastRequests) / seconds;
        lastRequests = requests;
        lastNanos = nanos;
        List<WorkerView> workers = pool.workers();
        int ready = 0;
        int starting = adding.get();
        int draining = 0;
        long inFlight = 0;
        double cpu = 0;
        double loopDelay = 0;
        for (WorkerView w : workers) {
            if (w.state().equals("standby")) {
                continue; // out of rotation: billed apart below, never current for the policy
            }
            if (removing.contains(w.id()) || w.state().equals("draining")) {
                draining++; // no longer counts for the policy, still runs (and costs) until it stops
                continue;
            }
            if (w.state().equals("up")) {
                ready++;
                observe(w.resources());
                inFlight += w.inFlight();
                cpu += w.resources().cpu();
                loopDelay += w.resources().loopDelayMillis();
            } else {
                starting++; // registered but not yet passing health checks, or ejected: counts, does not serve
            }
        }
        double p99 = p99Proxy(workers.stream().filter(w -> w.state().equals("up") && !removing.contains(w.id())).toList());
        int current = ready + starting;
        // The workers of the last interval, taken at its end: one tick (1 s) of error per change.
        billedWorkers = current + draining;
        workerSeconds += billedWorkers * seconds;
        standbyWorkers = warmPool.running();
        standbyWorkerSeconds += standbyWorkers * seconds;
        return new MetricSample(clock.instant(), rate, ready == 0 ? 0 : (double) inFlight / ready, ready == 0 ? 0 : cpu / ready,
                p99, ready == 0 ? 0 : loopDelay / ready, inFlight, current, ready);
    }

    /**
     * The p99 proxy: the highest latency EWMA among ready workers past their slow start. A worker still in
     * slow start is cold (JIT, caches, pool) and answers its first requests slowly; reading it would order
     * more workers because one was just added, so it is not read, as the HPA ignores a pod's CPU during its
     * initialization period. A worker back from an ejection ramps up again and is skipped the same way. When
     * every ready worker is in slow start (after a rolling resize, or the first seconds of a cluster) the
     * proxy is 0: the p99 rules wait for a warm worker, the rate, backlog and in-flight rules still act.
     */
    static double p99Proxy(List<WorkerView> ready) {
        double warm = 0;
        for (WorkerView w : ready) {
            if (w.effectiveWeight() >= w.weight()) {
                warm = Math.max(warm, w.latencyEwmaMillis());
            }
        }
        return warm;
    }

    private void observe(io.hexproperty.balancer.algorithms.ResourceReport r) {
        if (!r.hasUsage()) {
            return; // the worker's agent has not reported usage (yet): no sample rather than a zero
        }
        // the agent's CPU is the process's share of the machine; in cores on the same machine (local cluster)
        WorkerUsage u = new WorkerUsage(r.poolInUse(), r.poolWaiters(), r.cpu() * CORES, r.loopDelayMillis(), r.heapUsedMb());
        synchronized (usage) {
            usage.addLast(u);
            while (usage.size() > KEPT_USAGE) {
                usage.removeFirst();
            }
        }
    }

    private void remember(Point p) {
        synchronized (points) {
            points.addLast(p);
            while (points.size() > KEPT_POINTS) {
                points.removeFirst();
            }
        }
    }

    /** Applies the decision; returns the workers in rotation (ready or starting) once it is applied. */
    private int apply(Decision d) {
        int delta = d.desired() - d.current();
        int inRotation = d.current();
        if (delta > 0) {
            List<String> admitted = warmPool.admit(delta);
            inRotation += admitted.size();
            // none warm (enough): a standby already starting is nearer to ready than a worker started now
            List<java.util.concurrent.CompletableFuture<String>> claims = warmPool.claim(delta - admitted.size());
            for (var claim : claims) {
                inRotation++;
                adding.incrementAndGet();
                claim.whenComplete((id, err) -> {
                    adding.decrementAndGet();
                    if (err != null) {
                        failedActions.incrementAndGet();
                        LOG.warn("autoscaler: a claimed standby did not come: {}", err.getMessage());
                    }
                });
            }
            int cold = delta - admitted.size() - claims.size();
            // the policy checked the workers in rotation against the budget; standbys hold connections too
            int allowed = Math.max(0, Math.min(cold, config.budget().maxWorkers() - inRotation - warmPool.counted()));
            if (allowed < cold) {
                record(new Decision(d.at(), inRotation, inRotation + allowed, "budget",
                        "refused " + (cold - allowed) + " more worker(s): " + config.budget().violation(inRotation + warmPool.counted() + cold)
                                + " with " + inRotation + " in rotation and " + warmPool.counted() + " warm-pool standby(s) counted"
                                + (warmPool.claimed() > 0 ? "; " + warmPool.claimed() + " claimed standby(s) are admitted when ready" : ""),
                        true));
            }
            for (int i = 0; i < allowed; i++) {
                inRotation++;
                adding.incrementAndGet();
                long started = System.nanoTime();
                fleet.addWorker().whenComplete((id, err) -> {
                    adding.decrementAndGet();
                    if (err != null) {
                        failedActions.incrementAndGet();
                        LOG.warn("autoscaler: could not add a worker: {}", err.getMessage());
                    } else {
                        Duration took = Duration.ofNanos(System.nanoTime() - started);
                        measuredStartup = took;
                        policy.startupObserved(took); // cold start-ups only: an admitted standby says nothing about them
                        LOG.info("autoscaler: {} added in {} ms", id, took.toMillis());
                    }
                });
            }
        }
        if (delta < 0) {
            List<WorkerView> candidates = pool.workers().stream()
                    .filter(w -> w.state().equals("up") && !removing.contains(w.id()) && fleet.workerIds().contains(w.id()))
                    .sorted(Comparator.comparingInt(WorkerView::inFlight).thenComparing(WorkerView::id, Comparator.reverseOrder()))
                    .toList();
            for (int i = 0; i < -delta && i < candidates.size(); i++) {
                String id = candidates.get(i).id();
                removing.add(id);
                inRotation--;
                warmPool.retire(id, inRotation).whenComplete((v, err) -> {
                    removing.remove(id);
                    if (err != null) {
                        failedActions.incrementAndGet();
                        LOG.warn("autoscaler: could not remove {}: {}", id, err.getMessage());
                    } else {
                        LOG.info("autoscaler: {} drained and {}", id, pool.isStandby(id) ? "returned to the warm pool" : "stopped");
                    }
                });
            }
        }
        return inRotation;
    }

    private void record(Decision d) {
        decisionsByRule.computeIfAbsent(d.rule(), k -> new AtomicLong()).incrementAndGet();
        synchronized (recent) {
            recent.addLast(d);
            while (recent.size() > KEPT_DECISIONS) {
                recent.removeFirst();
            }
        }
        LOG.info("autoscaler: {} -> {} workers [{}] {}", d.current(), d.desired(), d.rule(), d.reason());
    }

    /** Holds decisions (true) while something else changes the fleet, e.g. a rolling resize. */
    public void hold(boolean hold) {
        this.held = hold;
        LOG.info("autoscaler {}", hold ? "held (fleet change in progress)" : "resumed");
    }

    public boolean held() {
        return held;
    }

    public ScalingPolicy policy() {
        return policy;
    }

    public ScalingConfig config() {
        return config;
    }

    public EventBoard events() {
        return events;
    }

    public Decision lastDecision() {
        return last;
    }

    public List<Decision> recentDecisions() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /** The last control steps, oldest first. */
    public List<Point> history() {
        synchronized (points) {
            return List.copyOf(points);
        }
    }

    /** Usage reported by ready workers, oldest first (one entry per worker per control step). */
    public List<WorkerUsage> observedUsage() {
        synchronized (usage) {
            return List.copyOf(usage);
        }
    }

    public Map<String, Long> decisionsByRule() {
        Map<String, Long> out = new java.util.TreeMap<>();
        decisionsByRule.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public long failedActions() {
        return failedActions.get();
    }

    /** Worker-seconds since start: ready, starting and draining workers integrated over time (the scaling cost). */
    public double workerSeconds() {
        return workerSeconds;
    }

    /** Workers running at the last sample: ready, starting and draining. */
    public int billedWorkers() {
        return billedWorkers;
    }

    /** Standbys of the warm pool (warm and starting) integrated over time: what the warm pool costs. */
    public double standbyWorkerSeconds() {
        return standbyWorkerSeconds;
    }

    /** Standbys running at the last sample (warm and starting). */
    public int standbyWorkers() {
        return standbyWorkers;
    }

    public WarmPool warmPool() {
        return warmPool;
    }

    public Duration measuredStartup() {
        return measuredStartup;
    }

    public Instant now() {
        return clock.instant();
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
