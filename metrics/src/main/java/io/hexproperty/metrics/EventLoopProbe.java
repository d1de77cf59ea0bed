package io.hexproperty.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Event-loop delay: every {@link #INTERVAL_MS} ms each event loop runs a task scheduled for that
 * moment, and how late it runs is how long a request arriving then would have waited for the loop
 * (a blocked loop shows here first). Also the tasks queued on the loops, a queue length that grows
 * before latency does.
 */
final class EventLoopProbe implements AutoCloseable {
    static final long INTERVAL_MS = 100;
    private final Timer delay;
    private final List<EventExecutor> loops = new ArrayList<>();
    private volatile boolean closed;

    EventLoopProbe(MeterRegistry registry, Iterable<EventExecutor> group) {
        this.delay = Timer.builder("vertx.eventloop.delay")
                .description("How late a task scheduled on an event loop ran: the wait a request would have had")
                .register(registry);
        group.forEach(loops::add);
        Gauge.builder("vertx.eventloop.pending.tasks", this, EventLoopProbe::pending).baseUnit("tasks")
                .description("Tasks queued on the Vert.x event loops, summed").register(registry);
    }

    void start() {
        for (EventExecutor loop : loops) {
            schedule(loop);
        }
    }

    private void schedule(EventExecutor loop) {
        if (closed || loop.isShuttingDown()) {
            return;
        }
        long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS);
        try {
            loop.schedule(() -> {
                delay.record(Math.max(0, System.nanoTime() - due), TimeUnit.NANOSECONDS);
                schedule(loop);
            }, INTERVAL_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the loop is shutting down with Vert.x
        }
    }

    private double pending() {
        long sum = 0;
        for (EventExecutor loop : loops) {
            if (loop instanceof SingleThreadEventExecutor single) {
                sum += single.pendingTasks();
            }
        }
        return sum;
    }

    @Override
    public void close() {
        closed = true;
    }
}
