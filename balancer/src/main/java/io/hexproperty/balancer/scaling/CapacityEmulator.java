package io.hexproperty.balancer.scaling;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Emulated capacity for autoscaling on one machine ({@code serve --capacity-rps N}): requests are admitted
 * at most N per second, in arrival order; the rest wait (queue) until their slot. Two cores give a fourth
 * worker no real throughput, so this is what makes "one more worker" mean "more capacity" in tests and
 * demos. It is an emulation: it delays requests, it does not make the worker any faster or slower.
 *
 * <p>Design: a virtual-time pacer. Each request reserves the next free slot with one CAS on an
 * {@link AtomicLong} ({@code slot = max(now, last) + 1/N}), shared by every event loop; a request whose
 * slot is in the future is paused and resumed by a timer at its slot. Health and admin paths bypass it,
 * so a queue never makes a worker look dead. A request that would wait more than {@code maxWait} is
 * answered 503 with Retry-After, so the queue is bounded.
 */
public final class CapacityEmulator implements Handler<HttpServerRequest> {
    private final Vertx vertx;
    private final Handler<HttpServerRequest> next;
    private final long intervalNanos;
    private final long maxWaitNanos;
    private final LongSupplier nanoTicker;
    private final AtomicLong lastSlot = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong delayed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    public CapacityEmulator(Vertx vertx, Handler<HttpServerRequest> next, double capacityRps, java.time.Duration maxWait,
                            LongSupplier nanoTicker) {
        if (!(capacityRps > 0)) {
            throw new IllegalArgumentException("--capacity-rps: must be > 0, was " + capacityRps);
        }
        this.vertx = vertx;
        this.next = next;
        this.intervalNanos = Math.max(1, (long) (1e9 / capacityRps));
        this.maxWaitNanos = maxWait.toNanos();
        this.nanoTicker = nanoTicker;
    }

    @Override
    public void handle(HttpServerRequest req) {
        String path = req.path();
        if (path.startsWith("/health") || path.startsWith("/admin") || path.equals("/metrics")) {
            next.handle(req);
            return;
        }
        long now = nanoTicker.getAsLong();
        long slot = reserve(now);
        long wait = slot - now;
        if (wait <= 0) {
            next.handle(req);
            return;
        }
        if (wait > maxWaitNanos) {
            release();
            rejected.incrementAndGet();
            req.response().setStatusCode(503).putHeader("content-type", "application/problem+json").putHeader("retry-after", "1")
                    .end("{\"type\":\"https://hexproperty.io/problems/capacity\",\"title\":\"Over emulated capacity\",\"status\":503,"
                            + "\"detail\":\"the emulated capacity queue is " + wait / 1_000_000 + " ms long (limit "
                            + maxWaitNanos / 1_000_000 + " ms)\"}");
            return;
        }
        delayed.incrementAndGet();
        req.pause();
        vertx.setTimer(Math.max(1, wait / 1_000_000), t -> {
            req.resume();
            next.handle(req);
        });
    }

    private long reserve(long now) {
        while (true) {
            long last = lastSlot.get();
            long slot = Math.max(now, last == Long.MIN_VALUE ? now : last + intervalNanos);
            if (lastSlot.compareAndSet(last, slot)) {
                return slot;
            }
        }
    }

    /** Gives back a slot a rejected request will not use (best effort: only the newest one). */
    private void release() {
        lastSlot.addAndGet(-intervalNanos);
    }

    public long delayed() {
        return delayed.get();
    }

    public long rejected() {
        return rejected.get();
    }
}
