package io.hexproperty.loadtest.workload;

import io.hexproperty.loadtest.workload.ArrivalSchedule.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The k6 test types as arrival-rate shapes. {@code rate} is always the typical (expected peak)
 * rate of the system; each profile derives its shape from it. Durations are the whole run.
 */
public enum Profile {
    /** Tiny constant load to check that everything answers and to record a baseline. */
    SMOKE(Duration.ofSeconds(30)),
    /** Ramp up to the typical rate, hold the plateau, ramp down. */
    LOAD(Duration.ofMinutes(5)),
    /** Above typical: 1.5x then 2x, each held. */
    STRESS(Duration.ofMinutes(10)),
    /** A long plateau at the typical rate; reports resource trends of the target. */
    SOAK(Duration.ofHours(1)),
    /** Near-instant jump to many times typical and back; reports the time to recover p99. */
    SPIKE(Duration.ofMinutes(2)),
    /**
     * A sustained step to a multiple of typical and back: long enough at the top for an autoscaler
     * to scale out and settle, long enough after it for a scale-in window to pass.
     */
    STEP(Duration.ofMinutes(5)),
    /** Ramp (or step) up until an SLO breaks, then stop; feeds the capacity (USL) fit. */
    BREAKPOINT(Duration.ofMinutes(10));

    /** Smoke never goes above this, whatever the typical rate. */
    public static final double SMOKE_MAX_RATE = 10;
    static final Duration JUMP = Duration.ofSeconds(1);

    private final Duration defaultDuration;

    Profile(Duration defaultDuration) {
        this.defaultDuration = defaultDuration;
    }

    public Duration defaultDuration() {
        return defaultDuration;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Profile of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown profile '" + name + "' (smoke, load, stress, soak, spike, step, breakpoint)", e);
        }
    }

    /** A named span of the run, in seconds from its start. */
    public record Phase(String name, double start, double end) {}

    /**
     * What a profile turns into.
     *
     * @param stopOnBreach stop as soon as a windowed SLO breaks (breakpoint)
     */
    public record Plan(Profile profile, ArrivalSchedule schedule, List<Phase> phases, boolean stopOnBreach) {
        public Plan {
            phases = List.copyOf(phases);
        }

        public Phase phase(String name) {
            return phases.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
        }
    }

    /**
     * @param rate        typical rate per second
     * @param duration    whole run; null for the profile's default
     * @param spikeFactor spike (or step) height as a multiple of the typical rate
     * @param maxRate     breakpoint ceiling; <= 0 for 10x typical
     * @param steps       breakpoint steps; 0 for a smooth ramp
     */
    public Plan plan(double rate, Duration duration, double spikeFactor, double maxRate, int steps) {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate must be > 0, was " + rate);
        }
        Duration d = duration == null ? defaultDuration : duration;
        double total = d.toNanos() / 1e9;
        if (total < 1) {
            throw new IllegalArgumentException(key() + " needs a duration of at least 1s, was " + d);
        }
        List<Stage> stages = new ArrayList<>();
        List<Phase> phases = new ArrayList<>();
        double start = 0;
        boolean stop = false;
        switch (this) {
            case SMOKE -> {
                double r = Math.min(rate, SMOKE_MAX_RATE);
                stages.add(stage(total, r));
                start = r;
                phases.add(new Phase("steady", 0, total));
            }
            case LOAD -> {
                double up = Math.max(1, total * 0.2);
                double down = Math.max(1, total * 0.1);
                double hold = positive(total - up - down, this, d);
                stages.add(stage(up, rate));
                stages.add(stage(hold, rate));
                stages.add(stage(down, 0));
                phases.add(new Phase("ramp-up", 0, up));
                phases.add(new Phase("plateau", up, up + hold));
                phases.add(new Phase("ramp-down", up + hold, total));
            }
            case STRESS -> {
                double ramp = Math.max(1, total * 0.1);
                double hold = positive((total - 3 * ramp) / 2, this, d);
                stages.add(stage(ramp, 1.5 * rate));
                stages.add(stage(hold, 1.5 * rate));
                stages.add(stage(ramp, 2 * rate));
                stages.add(stage(hold, 2 * rate));
                stages.add(stage(ramp, 0));
                phases.add(new Phase("1.5x", ramp, ramp + hold));
                phases.add(new Phase("2x", 2 * ramp + hold, 2 * ramp + 2 * hold));
            }
            case SOAK -> {
                double up = Math.max(1, Math.min(300, total * 0.05));
                double hold = positive(total - up, this, d);
                stages.add(stage(up, rate));
                stages.add(stage(hold, rate));
                phases.add(new Phase("plateau", up, total));
            }
            case SPIKE -> {
                start = rate;
                pulse(stages, phases, rate, spikeFactor, total, d, 0.3, 0.15, "spike", "recovery");
            }
            case STEP -> {
                start = rate;
                // 20% baseline, 40% at the top, 40% back at baseline: the tail is the longest because
                // scale-in waits out a stabilization window after the load has already fallen.
                pulse(stages, phases, rate, spikeFactor, total, d, 0.2, 0.4, "step", "after");
            }
            case BREAKPOINT -> {
                double ceiling = maxRate > 0 ? maxRate : 10 * rate;
                stop = true;
                if (steps <= 0) {
                    stages.add(stage(total, ceiling));
                    phases.add(new Phase("ramp", 0, total));
                } else {
                    double width = total / steps;
                    if (width < 2) {
                        throw new IllegalArgumentException("breakpoint steps of " + width + "s are too short; use fewer steps or a longer run");
                    }
                    double t = 0;
                    for (int i = 1; i <= steps; i++) {
                        double level = ceiling * i / steps;
                        stages.add(stage(1, level));
                        stages.add(stage(width - 1, level));
                        phases.add(new Phase("step-" + i, t + 1, t + width));
                        t += width;
                    }
                }
            }
            default -> throw new IllegalStateException(name());
        }
        return new Plan(this, ArrivalSchedule.ramping(start, stages), phases, stop);
    }

    /**
     * A baseline of {@code baseShare} of the run at {@code rate}, a 1 s jump to {@code factor x rate} held for
     * {@code holdShare} of the run, a 1 s jump back, and the rest at {@code rate}: the spike and the step.
     */
    private void pulse(List<Stage> stages, List<Phase> phases, double rate, double factor, double total, Duration d,
                       double baseShare, double holdShare, String top, String tail) {
        if (!(factor > 1)) {
            throw new IllegalArgumentException(key() + " factor must be > 1, was " + factor);
        }
        double base = Math.max(1, total * baseShare);
        double jump = JUMP.toNanos() / 1e9;
        double hold = Math.max(1, total * holdShare);
        double after = positive(total - base - 2 * jump - hold, this, d);
        stages.add(stage(base, rate));
        stages.add(stage(jump, rate * factor));
        stages.add(stage(hold, rate * factor));
        stages.add(stage(jump, rate));
        stages.add(stage(after, rate));
        phases.add(new Phase("baseline", 0, base));
        phases.add(new Phase(top, base, base + 2 * jump + hold));
        phases.add(new Phase(tail, base + 2 * jump + hold, total));
    }

    private static double positive(double seconds, Profile p, Duration d) {
        if (seconds < 1) {
            throw new IllegalArgumentException(p.key() + " needs a longer duration than " + DurationFormat.format(d));
        }
        return seconds;
    }

    private static Stage stage(double seconds, double rate) {
        return new Stage(Duration.ofNanos(Math.round(seconds * 1e9)), rate);
    }
}
