package io.hexproperty.loadtest.workload;

import java.time.Duration;
import java.util.List;

/**
 * When each request of an open-model run is meant to start, independent of when earlier ones
 * finish. The n-th request (n = 0, 1, ...) starts at the instant where the integral of the
 * arrival rate reaches n, so a constant 100/s gives 0 ms, 10 ms, 20 ms, ... and a ramp
 * thickens smoothly. Latency is measured from these intended instants (wrk2 style), which is
 * what keeps a stalled server from hiding its own stall.
 */
public interface ArrivalSchedule {

    /** Returned by {@link #intendedStartNanos(long)} once the schedule has no n-th start. */
    long END = Long.MAX_VALUE;

    /** Offset from the start of the run, in nanoseconds, of the n-th start, or {@link #END}. */
    long intendedStartNanos(long n);

    /** Total number of starts the schedule intends. */
    long totalStarts();

    /** Intended arrival rate (per second) at the given offset. */
    double rateAt(Duration offset);

    Duration duration();

    /** Stages of this schedule, in order. */
    List<Stage> stages();

    /** Expected number of intended starts in [from, to), offsets in seconds. */
    default double intendedBetween(double fromSeconds, double toSeconds) {
        return cumulativeAt(toSeconds) - cumulativeAt(fromSeconds);
    }

    /** Expected number of starts in [0, t). */
    double cumulativeAt(double seconds);

    static ArrivalSchedule constant(double ratePerSecond, Duration duration) {
        return new PiecewiseLinearSchedule(ratePerSecond, List.of(new Stage(duration, ratePerSecond)));
    }

    /**
     * k6's ramping-arrival-rate: starting at {@code startRate}, each stage moves the rate linearly
     * to its target over its duration (a zero-length ramp is not allowed; use a 1 s stage for a
     * near-instant jump).
     */
    static ArrivalSchedule ramping(double startRate, List<Stage> stages) {
        return new PiecewiseLinearSchedule(startRate, stages);
    }

    /** One segment of a ramping schedule: the rate moves linearly to {@code targetRate}. */
    record Stage(Duration duration, double targetRate) {
        public Stage {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("stage duration must be positive, was " + duration);
            }
            if (!(targetRate >= 0) || Double.isInfinite(targetRate)) {
                throw new IllegalArgumentException("stage target rate must be >= 0 and finite, was " + targetRate);
            }
        }
    }
}
