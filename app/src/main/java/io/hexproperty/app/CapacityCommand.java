package io.hexproperty.app;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hexproperty capacity --from result.json --target-rate R}: how many nodes a target rate
 * needs, from a breakpoint run of one node. A node's safe rate is the rate at which its SLO broke (or,
 * when the run never broke it, the most it was seen to complete, a lower bound) capped by the USL
 * peak throughput, less the headroom. Nodes are assumed to add capacity linearly, which holds for the
 * app tier only while the shared database is not the bottleneck: the output says so.
 */
@Command(name = "capacity", mixinStandardHelpOptions = true,
        description = "Nodes needed for a target rate, from a breakpoint run's result.json (USL fit and SLO break).")
final class CapacityCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, paramLabel = "result.json", description = "Result of `loadtest --profile breakpoint`.")
    Path from;

    @Option(names = "--target-rate", required = true, description = "Requests/s the deployment must serve at the SLO.")
    double targetRate;

    @Option(names = "--current-rate", defaultValue = "0", description = "Requests/s served today, for comparison (default: not shown).")
    double currentRate;

    @Option(names = "--headroom", defaultValue = "0.3", description = "Share of each node kept free for spikes and failover (default: ${DEFAULT-VALUE}).")
    double headroom;

    record Plan(double perNodeRate, boolean broken, Double uslPeak, double safeRate, int nodes, String basis) {
    }

    @Override
    public Integer call() throws Exception {
        if (!(targetRate > 0) || !(headroom >= 0 && headroom < 1) || currentRate < 0) {
            System.err.println("hexproperty: --target-rate must be > 0, --headroom in [0, 1), --current-rate >= 0");
            return 2;
        }
        JsonObject result;
        try {
            result = new JsonObject(Files.readString(from));
        } catch (java.io.IOException | DecodeException e) {
            System.err.println("hexproperty: cannot read " + from + ": " + Errors.oneLine(e));
            return 2;
        }
        Plan plan;
        try {
            plan = plan(result, targetRate, headroom);
        } catch (IllegalArgumentException e) {
            System.err.println("hexproperty: " + e.getMessage());
            return 2;
        }
        System.out.printf(Locale.ROOT, "one node: %.0f req/s %s%n", plan.perNodeRate(), plan.basis());
        if (plan.uslPeak() != null) {
            System.out.printf(Locale.ROOT, "USL peak throughput of one node: %.0f req/s%n", plan.uslPeak());
        }
        System.out.printf(Locale.ROOT, "safe rate per node with %.0f%% headroom: %.0f req/s%n", headroom * 100, plan.safeRate());
        System.out.printf(Locale.ROOT, "nodes for %.0f req/s: %d%n", targetRate, plan.nodes());
        if (currentRate > 0) {
            System.out.printf(Locale.ROOT, "current %.0f req/s needs %d node(s); the target is %.1fx today's traffic%n",
                    currentRate, (int) Math.ceil(currentRate / plan.safeRate()), targetRate / currentRate);
        }
        System.out.println("assumes nodes add capacity linearly: true while the shared PostgreSQL is not the bottleneck;"
                + " run the breakpoint against N nodes to check");
        return 0;
    }

    static Plan plan(JsonObject result, double targetRate, double headroom) {
        JsonObject breakpoint = result.getJsonObject("breakpoint");
        JsonObject capacity = result.getJsonObject("capacity");
        if (breakpoint == null || capacity == null) {
            throw new IllegalArgumentException("not a breakpoint result: no \"breakpoint\" and \"capacity\" sections");
        }
        boolean broken = breakpoint.getBoolean("broken", false);
        Double atBreak = breakpoint.getDouble("rateAtBreak");
        double seen = 0;
        JsonArray points = capacity.getJsonArray("points", new JsonArray());
        for (int i = 0; i < points.size(); i++) {
            seen = Math.max(seen, points.getJsonObject(i).getDouble("throughput", 0.0));
        }
        double perNode;
        String basis;
        if (broken && atBreak != null && atBreak > 0) {
            perNode = atBreak;
            basis = "(where the SLO broke in the breakpoint run)";
        } else if (seen > 0) {
            perNode = seen;
            basis = "(the most completed; the run never broke the SLO, so this is a lower bound)";
        } else {
            throw new IllegalArgumentException("the result has neither a break rate nor loaded points");
        }
        JsonObject usl = capacity.getJsonObject("usl");
        Double peak = usl == null ? null : usl.getDouble("xMax");
        double limit = peak != null && peak > 0 ? Math.min(perNode, peak) : perNode;
        double safe = limit * (1 - headroom);
        return new Plan(perNode, broken, peak, safe, (int) Math.ceil(targetRate / safe), basis);
    }
}
