package io.hexproperty.app;

import io.hexproperty.balancer.scaling.ConnectionBudget;
import io.hexproperty.balancer.scaling.EventBoard;
import io.hexproperty.balancer.scaling.ForecastConfig;
import io.hexproperty.balancer.scaling.ScalingConfig;
import io.hexproperty.balancer.scaling.ScalingPolicy;
import io.hexproperty.balancer.scaling.ScheduleRule;
import io.hexproperty.balancer.scaling.StepRule;
import io.hexproperty.balancer.scaling.ThresholdTrigger;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The autoscaler options of {@code cluster}; autoscaling is on when --max is given. Defaults live in {@link ScalingConfig#defaults()}. */
final class AutoscaleOptions {
    @Option(names = "--min", description = "Autoscaling: fewest workers (default: 1 when --max is given).")
    Integer min;

    @Option(names = "--max", description = "Autoscaling: most workers; giving it turns the autoscaler on (default: off).")
    Integer max;

    @Option(names = "--capacity-rps", defaultValue = "0",
            description = "Emulated capacity per worker (serve --capacity-rps) and the policy's worker capacity for its "
                    + "rate rules; 0 = real capacity, unknown to the policy (default: ${DEFAULT-VALUE}).")
    double capacityRps;

    @Option(names = "--scaling-policy", defaultValue = "predictive",
            description = "reactive or predictive (Holt-Winters forecast of the arrival rate) (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--target-utilization", defaultValue = "0.7", description = "Share of --capacity-rps a worker should carry (default: ${DEFAULT-VALUE}).")
    double targetUtilization;

    @Option(names = "--slo", defaultValue = "250ms", converter = DurationConverter.class, description = "p99 objective (default: ${DEFAULT-VALUE}).")
    Duration slo;

    @Option(names = "--scale-down-stabilization", defaultValue = "60s", converter = DurationConverter.class,
            description = "Scale in only to the highest recommendation of this span (default: ${DEFAULT-VALUE}).")
    Duration scaleDownStabilization;

    @Option(names = "--scale-in-cooldown", defaultValue = "15s", converter = DurationConverter.class,
            description = "No scale-in this soon after a change (default: ${DEFAULT-VALUE}).")
    Duration scaleInCooldown;

    @Option(names = "--schedule", paramLabel = "RULE", description = "Calendar floor, e.g. 'sat 10:00-14:00 min=4' (UTC unless --schedule-zone); repeatable.")
    List<String> schedules = new ArrayList<>();

    @Option(names = "--schedule-zone", defaultValue = "UTC", description = "Time zone of --schedule (default: ${DEFAULT-VALUE}).")
    String scheduleZone;

    @Option(names = "--step", paramLabel = "RULE", description = "Step rule, e.g. 'p99>=1000:+2'; repeatable (replaces the default).")
    List<String> steps = new ArrayList<>();

    @Option(names = "--trigger", paramLabel = "RULE", description = "Threshold trigger, e.g. 'p99>250for5s:+1'; repeatable (replaces the default).")
    List<String> triggers = new ArrayList<>();

    @Option(names = "--max-connections", defaultValue = "100", description = "PostgreSQL max_connections for the connection budget (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--connection-reserve", defaultValue = "10", description = "Connections kept out of the budget (default: ${DEFAULT-VALUE}).")
    int connectionReserve;

    @Option(names = "--warm-pool", paramLabel = "N",
            description = "Autoscaling: standby workers kept started, warmed up and out of rotation, admitted at once by a "
                    + "scale-out (never more than --max minus the workers in rotation) (default: 1 when --max > --min, else 0).")
    Integer warmPool;

    boolean enabled() {
        return max != null || min != null;
    }

    /**
     * The warm pool's size: --warm-pool, or 1 when the cluster can grow (ADR 0023: one standby takes the start-up
     * out of the first scale-out, which is the one a breach waits for, at the cost of one idle worker).
     * StartupException when it could never be used whole or the connection budget cannot hold it.
     */
    int warmPoolSize(ScalingConfig c) {
        int room = c.maxWorkers() - c.minWorkers();
        int n = warmPool == null ? Math.min(1, room) : warmPool;
        if (n < 0) {
            throw new StartupException("--warm-pool: must be >= 0, was " + n);
        }
        if (n > room) {
            throw new StartupException("--warm-pool: at most --max - --min = " + room + " standby(s) could ever be admitted, was " + n);
        }
        String broken = c.budget().violation(c.minWorkers() + n);
        if (broken != null) {
            throw new StartupException("--warm-pool: " + c.minWorkers() + " min workers + " + n
                    + " standby(s) break the connection budget (standbys hold their pools too): " + broken);
        }
        return n;
    }

    /** Validates and builds the policy config; StartupException names the option on bad input. */
    ScalingConfig config(int poolPerWorker) {
        try {
            ScalingConfig d = ScalingConfig.defaults();
            int lo = min == null ? 1 : min;
            int hi = max == null ? Math.max(lo, d.maxWorkers()) : max;
            if (capacityRps < 0 || Double.isNaN(capacityRps)) {
                throw new IllegalArgumentException("--capacity-rps: must be >= 0, was " + capacityRps);
            }
            ZoneId zone = ZoneId.of(scheduleZone);
            List<ScheduleRule> sched = schedules.stream().map(s -> ScheduleRule.parse(s, zone)).toList();
            List<StepRule> st = steps.isEmpty() ? d.steps() : steps.stream().map(StepRule::parse).toList();
            List<ThresholdTrigger> tr = triggers.isEmpty() ? null : triggers.stream().map(ThresholdTrigger::parse).toList();
            ScalingConfig c = new ScalingConfig(lo, hi, capacityRps, targetUtilization, d.targetInFlightPerWorker(), d.targetCpu(),
                    d.targetLoopDelayMillis(), d.targetQueuePerWorker(), d.slo(), d.tolerance(), d.evaluationWindow(),
                    d.scaleUpStabilization(), scaleDownStabilization, scaleInCooldown, d.maxStepUp(), d.maxStepDown(),
                    d.workerStartup(), st, d.triggers(), sched, ForecastConfig.daily(),
                    new ConnectionBudget(maxConnections, connectionReserve, poolPerWorker)).withSlo(slo);
            return tr == null ? c : c.withRules(st, tr);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new StartupException(e.getMessage());
        }
    }

    ScalingPolicy policy(ScalingConfig config, EventBoard events) {
        return switch (policy) {
            case "reactive" -> ScalingPolicy.reactive(config, events);
            case "predictive" -> ScalingPolicy.predictive(config, events);
            default -> throw new StartupException("--scaling-policy: one of reactive, predictive; got '" + policy + "'");
        };
    }
}
