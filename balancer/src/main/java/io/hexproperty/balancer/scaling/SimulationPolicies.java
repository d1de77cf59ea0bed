package io.hexproperty.balancer.scaling;

import java.util.List;
import java.util.Locale;

/**
 * The policies the simulator compares, configured alike where they can be: the same bounds (1..20
 * workers), the same utilisation target (70%), the same worker start-up, and a connection budget that
 * allows the bound (max_connections 200, reserve 10, pool 8).
 */
public final class SimulationPolicies {
    public static final List<String> NAMES = List.of("hpa", "reactive", "predictive");
    static final int MAX_WORKERS = 20;

    private SimulationPolicies() {}

    public static ScalingConfig config(Trace trace, SimulationConfig sim) {
        long bucket = Math.max(1, trace.season().toSeconds() / 48);
        return ScalingConfig.defaults().withBounds(1, MAX_WORKERS).withCapacity(sim.capacityRps()).withSlo(sim.slo())
                .withStartup(sim.startup()).withBudget(new ConnectionBudget(200, 10, 8)).withSchedules(trace.schedules())
                .withForecast(ForecastConfig.daily().withSeason(trace.season(),
                        (int) Math.min(288, trace.season().toSeconds() / bucket)));
    }

    public static ScalingPolicy of(String name, Trace trace, SimulationConfig sim) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "hpa" -> ScalingPolicy.hpa(HpaConfig.defaults().withReplicas(1, MAX_WORKERS));
            case "reactive" -> ScalingPolicy.reactive(config(trace, sim).withSchedules(List.of()), EventBoard.empty());
            case "predictive" -> ScalingPolicy.predictive(config(trace, sim), EventBoard.empty());
            default -> throw new IllegalArgumentException("--policy: unknown policy '" + name + "' (one of " + NAMES + ", or all)");
        };
    }

    /** The Markdown table of results, one row per trace and policy. */
    public static String table(List<Simulator.Result> results) {
        StringBuilder b = new StringBuilder();
        boolean standbys = results.stream().anyMatch(r -> r.standbyWorkerSeconds() > 0);
        b.append("| trace | policy | SLO-violation s | worker-seconds | ").append(standbys ? "standby worker-seconds | " : "")
                .append("max workers | scale-outs | scale-ins |\n");
        b.append("| --- | --- | ---: | ---: | ").append(standbys ? "---: | " : "").append("---: | ---: | ---: |\n");
        for (Simulator.Result r : results) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | ", r.trace(), r.policy(), r.violationSeconds(), r.workerSeconds()));
            if (standbys) {
                b.append(String.format(Locale.ROOT, "%.0f | ", r.standbyWorkerSeconds()));
            }
            b.append(String.format(Locale.ROOT, "%d | %d | %d |%n", r.maxWorkers(), r.scaleOuts(), r.scaleIns()));
        }
        return b.toString();
    }

}
