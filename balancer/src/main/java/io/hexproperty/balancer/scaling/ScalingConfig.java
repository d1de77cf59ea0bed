package io.hexproperty.balancer.scaling;

import java.time.Duration;
import java.util.List;

/**
 * Every setting of the autoscaling policy, defaults in {@link #defaults()}.
 *
 * @param minWorkers             lower bound, also the floor when metrics are missing
 * @param maxWorkers             upper bound
 * @param workerCapacityRps      requests per second one worker serves at full utilisation; 0 = unknown,
 *                               which disables the rate-based rules (arrival-rate tracking, forecast, events)
 * @param targetUtilization      share of {@code workerCapacityRps} the rate-based rules aim at
 * @param targetInFlightPerWorker target tracking on in-flight requests per ready worker (0 = off)
 * @param targetCpu              target tracking on CPU, 0..1 (0 = off)
 * @param targetLoopDelayMillis  target tracking on event-loop delay (0 = off)
 * @param targetQueuePerWorker   target tracking on queued requests per ready worker (0 = off)
 * @param slo                    the p99 latency objective (read by the default p99 trigger and reported)
 * @param tolerance              ratios within 1 +- tolerance of a target do not scale (as the HPA's 10%)
 * @param evaluationWindow       target tracking reads the mean over this span, not one noisy sample
 * @param scaleUpStabilization   scale out to the lowest recommendation of this span (0: at once)
 * @param scaleDownStabilization scale in only to the highest recommendation of this span
 * @param scaleInCooldown        no scale-in this soon after any change
 * @param maxStepUp              at most this many workers added per decision (or 100% of current, if more)
 * @param maxStepDown            at most this many workers removed per decision
 * @param workerStartup          time from "start a worker" to "it takes traffic"; replaced by the measured value
 * @param steps                  step rules
 * @param triggers               threshold triggers with for-durations
 * @param schedules              calendar floors
 * @param forecast               forecast settings ({@link ForecastConfig#none()}: reactive only)
 * @param budget                 the PostgreSQL connection budget
 */
public record ScalingConfig(int minWorkers, int maxWorkers, double workerCapacityRps, double targetUtilization,
                            double targetInFlightPerWorker, double targetCpu, double targetLoopDelayMillis,
                            double targetQueuePerWorker, Duration slo, double tolerance, Duration evaluationWindow,
                            Duration scaleUpStabilization, Duration scaleDownStabilization, Duration scaleInCooldown,
                            int maxStepUp, int maxStepDown, Duration workerStartup, List<StepRule> steps,
                            List<ThresholdTrigger> triggers, List<ScheduleRule> schedules, ForecastConfig forecast,
                            ConnectionBudget budget) {
    public ScalingConfig {
        if (minWorkers < 1) {
            throw new IllegalArgumentException("min workers must be >= 1, was " + minWorkers);
        }
        if (maxWorkers < minWorkers) {
            throw new IllegalArgumentException("max workers (" + maxWorkers + ") must be >= min workers (" + minWorkers + ")");
        }
        if (!(workerCapacityRps >= 0)) {
            throw new IllegalArgumentException("worker capacity must be >= 0 rps, was " + workerCapacityRps);
        }
        if (!(targetUtilization > 0 && targetUtilization <= 1)) {
            throw new IllegalArgumentException("target utilisation must be in (0, 1], was " + targetUtilization);
        }
        if (targetInFlightPerWorker < 0 || targetCpu < 0 || targetCpu > 1 || targetLoopDelayMillis < 0 || targetQueuePerWorker < 0) {
            throw new IllegalArgumentException("targets must be >= 0 (cpu <= 1): in-flight " + targetInFlightPerWorker + ", cpu "
                    + targetCpu + ", loop delay " + targetLoopDelayMillis + ", queue " + targetQueuePerWorker);
        }
        if (!(tolerance >= 0 && tolerance < 1)) {
            throw new IllegalArgumentException("tolerance must be in [0, 1), was " + tolerance);
        }
        for (Duration d : List.of(slo, evaluationWindow, scaleUpStabilization, scaleDownStabilization, scaleInCooldown, workerStartup)) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("durations must be >= 0, got " + d);
            }
        }
        if (slo.isZero() || evaluationWindow.isZero()) {
            throw new IllegalArgumentException("slo and evaluation window must be > 0");
        }
        if (maxStepUp < 1 || maxStepDown < 1) {
            throw new IllegalArgumentException("max steps must be >= 1 (up " + maxStepUp + ", down " + maxStepDown + ")");
        }
        steps = List.copyOf(steps);
        triggers = List.copyOf(triggers);
        schedules = List.copyOf(schedules);
        if (forecast == null || budget == null) {
            throw new IllegalArgumentException("forecast and budget must not be null (use none())");
        }
        if (budget.maxWorkers() < minWorkers) {
            throw new IllegalArgumentException("the connection budget allows " + budget.maxWorkers() + " workers, below min workers "
                    + minWorkers + ": " + budget.violation(minWorkers));
        }
    }

    public static ScalingConfig defaults() {
        return new ScalingConfig(1, 6, 0, 0.7, 16, 0.7, 50, 50, Duration.ofMillis(250), 0.1, Duration.ofSeconds(5),
                Duration.ZERO, Duration.ofSeconds(60), Duration.ofSeconds(15), 4, 2, Duration.ofSeconds(15),
                List.of(new StepRule(Metric.P99, 1000, 2)),
                List.of(new ThresholdTrigger(Metric.P99, true, 250, Duration.ofSeconds(5), 1)),
                List.of(), ForecastConfig.none(), ConnectionBudget.defaults());
    }

    public ScalingConfig withBounds(int min, int max) {
        return new ScalingConfig(min, max, workerCapacityRps, targetUtilization, targetInFlightPerWorker, targetCpu,
                targetLoopDelayMillis, targetQueuePerWorker, slo, tolerance, evaluationWindow, scaleUpStabilization,
                scaleDownStabilization, scaleInCooldown, maxStepUp, maxStepDown, workerStartup, steps, triggers, schedules,
                forecast, budget);
    }

    public ScalingConfig withCapacity(double rps) {
        return new ScalingConfig(minWorkers, maxWorkers, rps, targetUtilization, targetInFlightPerWorker, targetCpu,
                targetLoopDelayMillis, targetQueuePerWorker, slo, tolerance, evaluationWindow, scaleUpStabilization,
                scaleDownStabilization, scaleInCooldown, maxStepUp, maxStepDown, workerStartup, steps, triggers, schedules,
                forecast, budget);
    }

    public ScalingConfig withStabilization(Duration up, Duration down, Duration cooldown) {
        return new ScalingConfig(minWorkers, maxWorkers, workerCapacityRps, targetUtilization, targetInFlightPerWorker, targetCpu,
                targetLoopDelayMillis, targetQueuePerWorker, slo, tolerance, evaluationWindow, up, down, cooldown,
                maxStepUp, maxStepDown, workerStartup, steps, triggers, schedules, forecast, budget);
    }

    public ScalingConfig withRules(List<StepRule> s, List<ThresholdTrigger> t) {
        return new ScalingConfig(minWorkers, maxWorkers, workerCapacityRps, targetUtilization, targetInFlightPerWorker, targetCpu,
                targetLoopDelayMillis, targetQueuePerWorker, slo, tolerance, evaluationWindow, scaleUpStabilization,
                scaleDownStabilization, scaleInCooldown, maxStepUp, maxStepDown, workerStartup, s, t, schedules, forecast, budget);
    }

    public ScalingConfig withSchedules(List<ScheduleRule> s) {
        return new ScalingConfig(minWorkers, maxWorkers, workerCapacityRps, targetUtilization, targetInFlightPerWorker, targetCpu,
                targetLoopDelayMillis, targetQueuePerWorker, slo, tolerance, evaluationWindow, scaleUpStabilization,
                scaleDownStabilization, scaleInCooldown, maxStepUp, maxStepDown, workerStartup, steps, triggers, s, forecast, budget);
    }

    public ScalingConfig withForecast(ForecastConfig f) {
        return new ScalingConfig(minWorkers, maxWorkers, workerCapacityRps, targetUtilization, targetInFlightPerWorker, targetCpu,
                targetLoopDelayMillis, targetQueuePerWorker, slo, tolerance, evaluationWindow, scaleUpStabilization,
                scaleDownStabilization, scaleInCooldown, maxStepUp, maxStepDown, workerStartup, steps, triggers, schedules, f, budget);
    }

    public ScalingConfig withBudget(ConnectionBudget b) {
        return new ScalingConfig(minWorkers, maxWorkers, workerCapacityRps, targetUtilization, targetInFlightPerWorker, targetCpu,
                targetLoopDelayMillis, targetQueuePerWorker, slo, tolerance, evaluationWindow, scaleUpStabilization,
                scaleDownStabilization, scaleInCooldown, maxStepUp, maxStepDown, workerStartup, steps, triggers, schedules, forecast, b);
    }

    public ScalingConfig withStartup(Duration startup) {
        return new ScalingConfig(minWorkers, maxWorkers, workerCapacityRps, targetUtilization, targetInFlightPerWorker, targetCpu,
                targetLoopDelayMillis, targetQueuePerWorker, slo, tolerance, evaluationWindow, scaleUpStabilization,
                scaleDownStabilization, scaleInCooldown, maxStepUp, maxStepDown, startup, steps, triggers, schedules, forecast, budget);
    }

    public ScalingConfig withSlo(Duration p99) {
        List<ThresholdTrigger> t = triggers.stream().map(x -> x.metric() == Metric.P99 && x.above() && x.value() == slo.toMillis()
                ? new ThresholdTrigger(Metric.P99, true, p99.toMillis(), x.forDuration(), x.change()) : x).toList();
        return new ScalingConfig(minWorkers, maxWorkers, workerCapacityRps, targetUtilization, targetInFlightPerWorker, targetCpu,
                targetLoopDelayMillis, targetQueuePerWorker, p99, tolerance, evaluationWindow, scaleUpStabilization,
                scaleDownStabilization, scaleInCooldown, maxStepUp, maxStepDown, workerStartup, steps, t, schedules, forecast, budget);
    }

    /** Requests per second one worker should carry: capacity x target utilisation (0 when capacity is unknown). */
    public double targetRatePerWorker() {
        return workerCapacityRps * targetUtilization;
    }
}
