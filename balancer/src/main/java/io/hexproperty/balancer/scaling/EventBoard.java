package io.hexproperty.balancer.scaling;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The announced events, written by the admin API thread and read by the control loop. */
public final class EventBoard {
    private final CopyOnWriteArrayList<ScalingEvent> events = new CopyOnWriteArrayList<>();
    private final int capacity;

    public EventBoard(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("event board capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    public static EventBoard empty() {
        return new EventBoard(100);
    }

    /** Adds an event, forgetting those already over at {@code now}; refuses beyond capacity. */
    public synchronized void post(ScalingEvent e, Instant now) {
        events.removeIf(x -> !x.end().isAfter(now));
        if (events.size() >= capacity) {
            throw new IllegalStateException("event board full: " + events.size() + " pending events (capacity " + capacity + ")");
        }
        events.add(e);
    }

    public List<ScalingEvent> events() {
        return List.copyOf(events);
    }
}
