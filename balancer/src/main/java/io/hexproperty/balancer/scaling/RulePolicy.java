package io.hexproperty.balancer.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HexProperty policy: every rule and trigger proposes a worker count, the highest proposal wins (scale
 * out when any rule asks, scale in only when all agree), then bounds, stabilization, cooldown, step limits
 * and the connection budget shape it into a decision.
 *
 * <p>Design: rules split in two families. <em>Demand</em> rules (arrival-rate tracking, the forecast,
 * events, schedules) read how much work is coming, which a starting worker does not change, so they act at
 * once. <em>Symptom</em> rules (in-flight, CPU, loop delay, queue, p99 steps and triggers) read how the
 * ready workers suffer, which stays bad until the workers already starting take traffic; while any worker
 * is starting they may not scale out further, or one overload would order the maximum. Stabilization is
 * the HPA's: a scale-in goes only to the highest recommendation of the last {@code scaleDownStabilization},
 * so a dip shorter than that never removes a worker.
 */
final class RulePolicy implements ScalingPolicy {
    private record Proposal(int workers, String rule, String reason) {}

    private record Recommendation(Instant at, int workers) {}

    /** The backlog rule sizes for working a queue off within this time. */
    static final Duration BACKLOG_DRAIN = Duration.ofSeconds(10);

    private final String name;
    private final ScalingConfig c;
    private final EventBoard events;
    private final Forecaster forecaster;
    private final ArrayDeque<Recommendation> history = new ArrayDeque<>();
    private volatile Duration startup;
    private Instant lastChange;

    RulePolicy(String name, ScalingConfig config, EventBoard events, Forecaster forecaster) {
        this.name = name;
        this.c = config;
        this.events = events;
        this.forecaster = forecaster;
        this.startup = config.workerStartup();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void startupObserved(Duration measured) {
        if (measured != null && !measured.isNegative()) {
            startup = measured;
        }
    }

    /** How early schedules and events act: start-up plus one evaluation window, so workers are ready, not just started. */
    Duration lead() {
        return startup.plus(c.evaluationWindow());
    }

    @Override
    public Decision decide(MetricWindow window) {
        MetricSample s = window.latest();
        Instant now = s.at();
        int current = s.currentWorkers();
        forecaster.observe(now, s.arrivalRate());
        List<Proposal> proposals = new ArrayList<>();
        demand(window, s, proposals);
        int floor = c.minWorkers();
        String floorRule = "bounds";
        String floorReason = "min workers " + c.minWorkers();
        for (ScheduleRule r : c.schedules()) {
            if (r.activeAt(now, lead()) && r.minWorkers() > floor) {
                floor = r.minWorkers();
                floorRule = "schedule";
                floorReason = "schedule '" + r + "' (applied " + lead().toSeconds() + " s early for start-up)";
            }
        }
        String held = symptoms(window, s, proposals);

        Proposal best = null;
        for (Proposal p : proposals) {
            if (best == null || p.workers > best.workers) {
                best = p;
            }
        }
        int raw = best == null ? current : best.workers;
        String rule = best == null ? "hold" : best.rule;
        String reason = best == null ? "no rule has an opinion" : best.reason;
        if (raw < floor) {
            raw = floor;
            rule = floorRule;
            reason = floorReason + (best == null ? "" : " (rules want " + best.workers + ": " + best.reason + ")");
        }
        if (raw > c.maxWorkers()) {
            reason = reason + "; capped at max workers " + c.maxWorkers();
            raw = c.maxWorkers();
        }
        if (held != null) {
            reason = reason + "; " + held;
        }

        history.addLast(new Recommendation(now, raw));
        Duration keep = c.scaleDownStabilization().compareTo(c.scaleUpStabilization()) > 0 ? c.scaleDownStabilization() : c.scaleUpStabilization();
        while (!history.isEmpty() && history.peekFirst().at.isBefore(now.minus(keep))) {
            history.removeFirst();
        }
        int desired = raw;
        if (raw < current) {
            int highest = highestSince(now.minus(c.scaleDownStabilization()));
            if (highest > raw) {
                desired = Math.min(current, highest);
                rule = "stabilization";
                reason = "scale-in to " + raw + " held: the highest recommendation of the last "
                        + c.scaleDownStabilization().toSeconds() + " s is " + highest + " (" + reason + ")";
            }
        } else if (raw > current && !c.scaleUpStabilization().isZero()) {
            int lowest = lowestSince(now.minus(c.scaleUpStabilization()));
            if (lowest < raw) {
                desired = Math.max(current, lowest);
                rule = "stabilization";
                reason = "scale-out to " + raw + " limited to " + desired + ": the lowest recommendation of the last "
                        + c.scaleUpStabilization().toSeconds() + " s (" + reason + ")";
            }
        }
        if (desired < current && lastChange != null && now.isBefore(lastChange.plus(c.scaleInCooldown()))) {
            reason = "scale-in to " + desired + " waits for the cooldown: last change "
                    + Duration.between(lastChange, now).toSeconds() + " s ago, cooldown " + c.scaleInCooldown().toSeconds() + " s (" + reason + ")";
            desired = current;
            rule = "cooldown";
        }
        int maxUp = Math.max(c.maxStepUp(), current);
        if (desired > current + maxUp) {
            reason = reason + "; step limited to +" + maxUp;
            desired = current + maxUp;
        }
        if (desired < current - c.maxStepDown()) {
            reason = reason + "; step limited to -" + c.maxStepDown();
            desired = current - c.maxStepDown();
        }
        desired = Math.max(c.minWorkers(), Math.min(c.maxWorkers(), desired));
        boolean refused = false;
        String broken = c.budget().violation(desired);
        if (broken != null && desired > current) {
            int allowed = c.budget().maxWorkers();
            reason = "refused " + desired + " workers: " + broken + "; holding at " + allowed + " (" + reason + ")";
            desired = allowed;
            rule = "budget";
            refused = true;
        } else if (broken != null) {
            reason = reason + "; note: " + broken;
        }
        if (desired != current) {
            lastChange = now;
        }
        return new Decision(now, current, desired, rule, reason, refused);
    }

    private void demand(MetricWindow window, MetricSample s, List<Proposal> out) {
        int current = s.currentWorkers();
        double perWorker = c.targetRatePerWorker();
        if (perWorker > 0) {
            double rate = window.mean(Metric.ARRIVAL_RATE, c.evaluationWindow());
            double ratio = rate / (Math.max(1, current) * perWorker);
            int want = Math.abs(ratio - 1) <= c.tolerance() && current > 0 ? current : (int) Math.ceil(rate / perWorker);
            out.add(new Proposal(want, "target:arrival-rate", String.format(Locale.ROOT,
                    "arrival rate %.1f rps over %d s / (%.0f rps x %.2f per worker) wants %d", rate,
                    c.evaluationWindow().toSeconds(), c.workerCapacityRps(), c.targetUtilization(), want)));
            if (s.queueLength() > 0) {
                // with a known capacity the backlog is sized, not tracked: enough full-speed workers to serve the
                // arrivals and work the queue off within the backlog drain time
                double need = (s.arrivalRate() + s.queueLength() / BACKLOG_DRAIN.toSeconds()) / c.workerCapacityRps();
                int bw = (int) Math.ceil(need);
                out.add(new Proposal(bw, "backlog", String.format(Locale.ROOT,
                        "backlog of %.0f requests + %.1f rps, worked off within %d s at %.0f rps per worker, wants %d",
                        s.queueLength(), s.arrivalRate(), BACKLOG_DRAIN.toSeconds(), c.workerCapacityRps(), bw)));
            }
            if (c.forecast().enabled()) {
                // scale ahead by the forecast *rise* over the start-up time, applied to the rate seen now: the
                // model's level lags a sudden change by a bucket or more, its shape (season, trend) does not
                double fNow = forecaster.forecast(s.at());
                double fAhead = forecaster.forecast(s.at().plus(startup));
                if (!Double.isNaN(fNow) && !Double.isNaN(fAhead) && fAhead > fNow) {
                    double expected = rate + (fAhead - fNow);
                    int fw = (int) Math.ceil(expected / perWorker);
                    out.add(new Proposal(fw, "forecast", String.format(Locale.ROOT,
                            "forecast rise of %.1f rps within %d s (worker start-up) on %.1f rps now wants %d",
                            fAhead - fNow, startup.toSeconds(), rate, fw)));
                }
            }
        }
        for (ScalingEvent e : events.events()) {
            if (e.activeAt(s.at(), lead())) {
                int byRate = perWorker > 0 ? (int) Math.ceil(e.expectedRate() / perWorker) : 0;
                int want = Math.max(e.minWorkers(), byRate);
                if (want > 0) {
                    out.add(new Proposal(want, "event", String.format(Locale.ROOT, "event '%s' (%.0f rps expected, min %d, %s..%s) wants %d",
                            e.name(), e.expectedRate(), e.minWorkers(), e.start(), e.end(), want)));
                }
            }
        }
    }

    /** Adds the symptom proposals; returns a note when scale-out proposals were held for starting workers. */
    private String symptoms(MetricWindow window, MetricSample s, List<Proposal> out) {
        int current = s.currentWorkers();
        int ready = s.readyWorkers();
        boolean starting = s.startingWorkers() > 0;
        List<Proposal> mine = new ArrayList<>();
        if (ready > 0) {
            if (c.targetRatePerWorker() <= 0) {
                // a queue or in-flight count grows without bound under overload, so tracking it orders far too
                // many workers; when the capacity is known, the backlog rule sizes the queue instead
                track(window, Metric.IN_FLIGHT_PER_WORKER, c.targetInFlightPerWorker(), ready, mine);
                track(window, Metric.QUEUE_PER_WORKER, c.targetQueuePerWorker(), ready, mine);
            }
            if (c.targetRatePerWorker() <= 0 || s.queueLength() == 0) {
                // CPU stays pinned while a backlog drains, whatever the worker count: the backlog rule owns that case
                track(window, Metric.CPU, c.targetCpu(), ready, mine);
            }
            track(window, Metric.LOOP_DELAY, c.targetLoopDelayMillis(), ready, mine);
        }
        for (Metric m : Metric.values()) {
            StepRule top = null;
            double v = m.of(s);
            for (StepRule r : c.steps()) {
                if (r.metric() == m && v >= r.atLeast() && (top == null || r.atLeast() > top.atLeast())) {
                    top = r;
                }
            }
            if (top != null) {
                mine.add(new Proposal(current + top.add(), "step:" + m.key(),
                        "step rule " + top + " matched (" + m.key() + " " + m.render(v) + ")"));
            }
        }
        for (ThresholdTrigger t : c.triggers()) {
            if (t.holds(window)) {
                mine.add(new Proposal(current + t.change(), "trigger:" + t.metric().key(),
                        "trigger " + t + " held (" + t.metric().key() + " now " + t.metric().render(t.metric().of(s)) + ")"));
            }
        }
        String held = null;
        for (Proposal p : mine) {
            if (starting && p.workers > current) {
                held = "symptom rules held while " + s.startingWorkers() + " worker(s) start (" + p.reason + ")";
            } else if (starting) {
                // the ready workers' symptoms say nothing about the ones starting: no scale-in on them either
                out.add(new Proposal(current, p.rule, p.reason + "; held at " + current + " while " + s.startingWorkers() + " worker(s) start"));
            } else {
                out.add(p);
            }
        }
        return held;
    }

    private void track(MetricWindow window, Metric m, double target, int ready, List<Proposal> out) {
        if (target <= 0) {
            return;
        }
        double v = window.mean(m, c.evaluationWindow());
        double ratio = v / target;
        int want = Math.abs(ratio - 1) <= c.tolerance() ? ready : (int) Math.ceil(ready * ratio);
        out.add(new Proposal(want, "target:" + m.key(), String.format(Locale.ROOT, "%s %s against target %s on %d ready worker(s) wants %d",
                m.key(), m.render(v), m.render(target), ready, want)));
    }

    private int highestSince(Instant from) {
        int h = Integer.MIN_VALUE;
        for (Recommendation r : history) {
            if (!r.at.isBefore(from)) {
                h = Math.max(h, r.workers);
            }
        }
        return h;
    }

    private int lowestSince(Instant from) {
        int l = Integer.MAX_VALUE;
        for (Recommendation r : history) {
            if (!r.at.isBefore(from)) {
                l = Math.min(l, r.workers);
            }
        }
        return l;
    }
}
