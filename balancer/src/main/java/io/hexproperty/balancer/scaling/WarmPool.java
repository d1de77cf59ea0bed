package io.hexproperty.balancer.scaling;

import io.hexproperty.balancer.gateway.WorkerFleet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm pool (ADR 0023; AWS Auto Scaling's warm pools): workers started, health-checked and warmed up
 * ahead of need but kept out of rotation, so that a scale-out admits one at once instead of waiting for a
 * worker JVM to start (14-176 s on the project's loaded two-core machine).
 *
 * <p>Design. The pool holds standbys in three states it counts itself: {@code starting} (launched through
 * {@link WorkerFleet#addStandby}, not yet warm), {@code warm} (ready to admit, oldest first) and
 * {@code returning} (a scaled-in worker draining on its way back, {@link WorkerFleet#park}). Its target is
 * {@code min(size, maxWorkers - inRotation)}, as AWS sizes a warm pool by default from the group's maximum:
 * a standby that could never be admitted would be pure cost, so at the maximum the pool is empty.
 * <ul>
 *   <li>{@link #admit} hands warm standbys to a scale-out; the caller refills afterwards, so the admission
 *       never waits for the replacement.</li>
 *   <li>{@link #claim} hands a scale-out the standbys still starting when none is warm: each is admitted the
 *       moment it is ready instead of waiting in the pool, which is sooner than a worker started now, and
 *       costs no extra JVM. A claimed standby counts as in rotation, no longer as a standby.</li>
 *   <li>{@link #refill} starts standbys up to the target, each one checked against the connection budget
 *       with every worker counted: in rotation (ready or starting) plus every standby (warm, starting). A
 *       start that would break it is refused, counted and said ({@link #lastRefusal}). Surplus warm
 *       standbys (the target fell) are stopped: they cost money. A failed start backs off {@link #RETRY_AFTER}.</li>
 *   <li>{@link #retire} scales one worker in: drained exactly as a removal is, then kept as a standby when
 *       the pool is short, stopped otherwise.</li>
 * </ul>
 * Every method is called from the autoscaler's control step; completions arrive on other threads, so the
 * state is guarded by this object's monitor.
 */
public final class WarmPool {
    private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);
    /** After a standby failed to start, no new start for this long (a broken worker image would loop). */
    static final Duration RETRY_AFTER = Duration.ofSeconds(10);

    private final WorkerFleet fleet;
    private final int size;
    private final int maxWorkers;
    private final ConnectionBudget budget;
    private final LongSupplier nanoTicker;
    private final Set<String> warm = new LinkedHashSet<>();
    private final Set<String> returning = new LinkedHashSet<>();
    private int starting;
    /** Scale-outs waiting for a starting standby, oldest first: each gets the next one that is ready. */
    private final java.util.ArrayDeque<CompletableFuture<String>> claims = new java.util.ArrayDeque<>();
    private long retryAtNanos;
    private boolean backingOff;
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong returned = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile String lastRefusal;

    /**
     * @param size       standbys wanted (0: no warm pool)
     * @param maxWorkers the autoscaler's upper bound on workers in rotation
     * @param budget     the PostgreSQL connection budget, which counts standbys as workers
     */
    public WarmPool(WorkerFleet fleet, int size, int maxWorkers, ConnectionBudget budget, LongSupplier nanoTicker) {
        if (size < 0) {
            throw new IllegalArgumentException("--warm-pool: must be >= 0, was " + size);
        }
        if (maxWorkers < 1) {
            throw new IllegalArgumentException("max workers must be >= 1, was " + maxWorkers);
        }
        this.fleet = fleet;
        this.size = size;
        this.maxWorkers = maxWorkers;
        this.budget = budget;
        this.nanoTicker = nanoTicker;
    }

    /** No warm pool: every scale-out starts a worker, every scale-in stops one. */
    public static WarmPool none() {
        return new WarmPool(WorkerFleet.none(), 0, 1, ConnectionBudget.none(), System::nanoTime);
    }

    public int size() {
        return size;
    }

    /** Standbys wanted while {@code inRotation} workers serve or start: never more than could be admitted. */
    public int target(int inRotation) {
        return Math.max(0, Math.min(size, maxWorkers - inRotation));
    }

    /**
     * Takes up to {@code wanted} warm standbys into rotation (oldest first) and returns their ids; the rest
     * of a scale-out is the caller's to start. Does not refill: call {@link #refill} after the admission.
     */
    public synchronized List<String> admit(int wanted) {
        List<String> ids = new ArrayList<>();
        var it = warm.iterator();
        while (ids.size() < wanted && it.hasNext()) {
            String id = it.next();
            it.remove();
            ids.add(id);
        }
        for (String id : ids) {
            admitted.incrementAndGet();
            fleet.admit(id).whenComplete((v, e) -> {
                if (e != null) {
                    // the standby is gone (stopped, crashed): the next control step sees one worker short and decides again
                    failed.incrementAndGet();
                    LOG.warn("warm pool: could not admit {}: {}", id, message(e));
                } else {
                    LOG.info("warm pool: {} admitted into rotation", id);
                }
            });
        }
        return ids;
    }

    /**
     * Claims up to {@code wanted} standbys that are still starting (not claimed yet) for a scale-out; each
     * future completes with the standby's id once it is ready and admitted, or fails when its start fails.
     * The caller counts them as starting workers in rotation.
     */
    public synchronized List<CompletableFuture<String>> claim(int wanted) {
        List<CompletableFuture<String>> out = new ArrayList<>();
        while (out.size() < wanted && starting - claims.size() > 0) {
            CompletableFuture<String> f = new CompletableFuture<>();
            claims.addLast(f);
            out.add(f);
        }
        return out;
    }

    /**
     * Keeps the pool at its target for {@code inRotation} workers: starts standbys the budget allows, refuses
     * (and says why) those it does not, and stops surplus warm ones. Returns the refusal, or null.
     */
    public synchronized String refill(int inRotation) {
        if (!warm.isEmpty()) {
            List<String> running = fleet.workerIds();
            warm.removeIf(id -> !running.contains(id)); // stopped by an operator, or gone: no longer a standby
        }
        int target = target(inRotation);
        int have = warm.size() + starting - claims.size() + returning.size();
        while (have > target && !warm.isEmpty()) {
            String surplus = warm.stream().reduce((a, b) -> b).orElseThrow(); // the newest: the oldest is the warmest
            warm.remove(surplus);
            have--;
            LOG.info("warm pool: stopping surplus standby {} (target {} at {} in rotation)", surplus, target, inRotation);
            fleet.removeWorker(surplus).whenComplete((v, e) -> {
                if (e != null) {
                    LOG.warn("warm pool: could not stop {}: {}", surplus, message(e));
                }
            });
        }
        if (backingOff && nanoTicker.getAsLong() - retryAtNanos < 0) {
            return null;
        }
        backingOff = false;
        for (; have < target; have++) {
            int standbys = warm.size() + starting - claims.size() + returning.size();
            String broken = budget.violation(inRotation + standbys + 1);
            if (broken != null) {
                String reason = "warm pool: refused standby " + (have + 1) + " of " + target + ": " + inRotation
                        + " in rotation + " + (standbys + 1) + " standby: " + broken;
                refused.incrementAndGet();
                if (!reason.equals(lastRefusal)) {
                    LOG.warn(reason); // once per distinct refusal, not once a second
                }
                lastRefusal = reason;
                return reason;
            }
            lastRefusal = null;
            starting++;
            started.incrementAndGet();
            long launched = nanoTicker.getAsLong();
            fleet.addStandby().whenComplete((id, e) -> standbyStarted(id, e, launched));
        }
        return null;
    }

    private void standbyStarted(String id, Throwable e, long launchedNanos) {
        CompletableFuture<String> claim;
        synchronized (this) {
            starting--;
            claim = claims.pollFirst();
            if (e != null) {
                failed.incrementAndGet();
                retryAtNanos = nanoTicker.getAsLong() + RETRY_AFTER.toNanos();
                backingOff = true;
                LOG.warn("warm pool: a standby failed to start: {}", message(e));
            } else if (claim == null) {
                warm.add(id);
                LOG.info("warm pool: {} warm and waiting, {} ms after its start", id, (nanoTicker.getAsLong() - launchedNanos) / 1_000_000);
            } else {
                admitted.incrementAndGet();
            }
        }
        if (claim == null) {
            return;
        }
        if (e != null) {
            claim.completeExceptionally(e); // outside the monitor: the claimant's callbacks run here
            return;
        }
        LOG.info("warm pool: {} ready {} ms after its start, admitted at once (claimed by a scale-out while starting)", id,
                (nanoTicker.getAsLong() - launchedNanos) / 1_000_000);
        fleet.admit(id).whenComplete((v, err) -> {
            if (err != null) {
                failed.incrementAndGet();
                claim.completeExceptionally(err);
            } else {
                claim.complete(id);
            }
        });
    }

    /**
     * Scales one worker in: drained (never a failed request), then back to the pool when the pool is short
     * at {@code inRotationAfter} workers, stopped otherwise. Completes when the worker is parked or stopped.
     */
    public CompletionStage<Void> retire(String id, int inRotationAfter) {
        boolean keep;
        synchronized (this) {
            keep = warm.size() + starting + returning.size() < target(inRotationAfter);
            if (keep) {
                returning.add(id);
            }
        }
        if (!keep) {
            return fleet.removeWorker(id);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        fleet.park(id).whenComplete((v, e) -> {
            synchronized (this) {
                returning.remove(id);
                if (e == null) {
                    warm.add(id);
                    returned.incrementAndGet();
                }
            }
            if (e != null) {
                failed.incrementAndGet();
                LOG.warn("warm pool: could not return {} to the pool: {}", id, message(e));
                done.completeExceptionally(e);
            } else {
                LOG.info("warm pool: {} drained and back in the pool", id);
                done.complete(null);
            }
        });
        return done;
    }

    /**
     * Stops every warm standby (after a rolling resize their size is stale); the next {@link #refill} starts
     * new ones at the new size.
     */
    public synchronized void recycle() {
        for (String id : List.copyOf(warm)) {
            warm.remove(id);
            fleet.removeWorker(id);
        }
    }

    /** Warm standbys, oldest first. */
    public synchronized List<String> warm() {
        return List.copyOf(warm);
    }

    /** Standbys starting, claimed or not. */
    public synchronized int starting() {
        return starting;
    }

    public synchronized int returning() {
        return returning.size();
    }

    /** Standby processes running now (warm, and starting unclaimed): what the warm pool costs. */
    public synchronized int running() {
        return warm.size() + starting - claims.size();
    }

    /**
     * Workers the connection budget counts as standbys: warm, starting (unclaimed) and returning (draining on
     * their way back). Claimed ones are counted by the caller, in rotation.
     */
    public synchronized int counted() {
        return warm.size() + starting - claims.size() + returning.size();
    }

    /** Starting standbys claimed by scale-outs. */
    public synchronized int claimed() {
        return claims.size();
    }

    public long admitted() {
        return admitted.get();
    }

    public long started() {
        return started.get();
    }

    public long returned() {
        return returned.get();
    }

    public long refused() {
        return refused.get();
    }

    public long failed() {
        return failed.get();
    }

    /** Why the last refill was refused, or null when the last refill attempt was allowed. */
    public String lastRefusal() {
        return lastRefusal;
    }

    private static String message(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
