package io.hexproperty.database.replicas;

import io.hexproperty.domain.port.out.StoreUnavailableException;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Admission to one node's pool: at most {@code maxActive} operations hold a connection, at most
 * {@code maxWaiting} queue for one, each for at most {@code acquireTimeout}.
 *
 * <p>The Vert.x pool keeps these counts to itself, so the gate keeps them in front of it: every
 * routed operation uses one connection at a time, hence "operations admitted" is "connections
 * leased" and the pool behind never queues. That gives exact active/waiting gauges, a wait-time
 * timer, and an exhaustion error that states the counts an operator needs.
 */
final class NodeGate {
    private final String node;
    private final int maxActive;
    private final int maxWaiting;
    private final Duration acquireTimeout;
    private final Vertx vertx;
    private final IntSupplier open;
    private final Timer waits;
    private final LongSupplier ticker;
    private final Deque<Waiter> queue = new ArrayDeque<>();
    private int active;

    NodeGate(String node, int maxActive, int maxWaiting, Duration acquireTimeout, Vertx vertx, IntSupplier open,
             Timer waits, LongSupplier ticker) {
        this.node = node;
        this.maxActive = maxActive;
        this.maxWaiting = maxWaiting;
        this.acquireTimeout = acquireTimeout;
        this.vertx = vertx;
        this.open = open;
        this.waits = waits;
        this.ticker = ticker;
    }

    <T> CompletionStage<T> run(Supplier<CompletionStage<T>> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Waiter waiter;
        synchronized (this) {
            if (active < maxActive) {
                active++;
                waiter = null;
            } else if (queue.size() >= maxWaiting) {
                result.completeExceptionally(exhausted(Duration.ZERO));
                return result;
            } else {
                waiter = new Waiter(ticker.getAsLong(), () -> start(operation, result));
                queue.add(waiter);
            }
        }
        if (waiter == null) {
            waits.record(0, TimeUnit.NANOSECONDS);
            start(operation, result);
        } else {
            waiter.timer = vertx.setTimer(Math.max(1, acquireTimeout.toMillis()), id -> {
                boolean removed;
                synchronized (this) {
                    removed = queue.remove(waiter);
                }
                if (removed) {
                    waits.record(acquireTimeout);
                    result.completeExceptionally(exhausted(acquireTimeout));
                }
            });
        }
        return result;
    }

    synchronized int active() {
        return active;
    }

    synchronized int waiting() {
        return queue.size();
    }

    /** Open connections not leased by an operation (the pool opens them lazily, so this may be below max - active). */
    int idle() {
        return Math.max(0, open.getAsInt() - active());
    }

    private <T> void start(Supplier<CompletionStage<T>> operation, CompletableFuture<T> result) {
        CompletionStage<T> stage;
        try {
            stage = operation.get();
        } catch (RuntimeException e) {
            release();
            result.completeExceptionally(e);
            return;
        }
        stage.whenComplete((value, error) -> {
            release();
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
        });
    }

    private void release() {
        Waiter next;
        synchronized (this) {
            next = queue.poll();
            if (next == null) {
                active--;
                return;
            }
        }
        // The slot passes straight to the next waiter: active stays the same.
        vertx.cancelTimer(next.timer);
        waits.record(ticker.getAsLong() - next.since, TimeUnit.NANOSECONDS);
        next.start.run();
    }

    private StoreUnavailableException exhausted(Duration waited) {
        int a;
        int w;
        synchronized (this) {
            a = active;
            w = queue.size();
        }
        return new StoreUnavailableException("pool exhausted on " + node + ": " + a + " active, "
                + Math.max(0, open.getAsInt() - a) + " idle, " + w + " waiting, waited " + seconds(waited)
                + " (limits: " + maxActive + " connections, " + maxWaiting + " waiting, acquire timeout "
                + seconds(acquireTimeout) + ")", null);
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static final class Waiter {
        final long since;
        final Runnable start;
        volatile long timer;

        Waiter(long since, Runnable start) {
            this.since = since;
            this.start = start;
        }
    }
}
