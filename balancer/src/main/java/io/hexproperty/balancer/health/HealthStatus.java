package io.hexproperty.balancer.health;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The rise/fall state machine of one worker plus its recent probe history. Pure: results and their times
 * are handed in. Starts {@link State#UNKNOWN}; the first pass makes it UP (slow start protects a fresh
 * worker), {@code fall} consecutive failures make it DOWN, {@code rise} consecutive passes make it UP again.
 */
public final class HealthStatus {
    public enum State { UNKNOWN, UP, DOWN }

    /** One probe outcome, kept for the admin view. */
    public record Probe(long atEpochMillis, boolean passed, String detail) {}

    static final int HISTORY = 10;

    private final int rise;
    private final int fall;
    private State state = State.UNKNOWN;
    private int passes;
    private int failures;
    private final ArrayDeque<Probe> history = new ArrayDeque<>();

    public HealthStatus(int rise, int fall) {
        this.rise = rise;
        this.fall = fall;
    }

    /** Records a probe; returns true when the state changed. */
    public synchronized boolean record(long atEpochMillis, boolean passed, String detail) {
        if (history.size() == HISTORY) {
            history.removeFirst();
        }
        history.addLast(new Probe(atEpochMillis, passed, detail));
        State before = state;
        if (passed) {
            passes++;
            failures = 0;
            if (state == State.UNKNOWN || (state == State.DOWN && passes >= rise)) {
                state = State.UP;
            }
        } else {
            failures++;
            passes = 0;
            if (state != State.DOWN && failures >= fall) {
                state = State.DOWN;
            }
        }
        return state != before;
    }

    public synchronized State state() {
        return state;
    }

    public synchronized List<Probe> history() {
        return List.copyOf(history);
    }
}
