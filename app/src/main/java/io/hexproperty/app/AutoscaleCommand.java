package io.hexproperty.app;

import io.hexproperty.balancer.scaling.SimulationConfig;
import io.hexproperty.balancer.scaling.SimulationPolicies;
import io.hexproperty.balancer.scaling.Simulator;
import io.hexproperty.balancer.scaling.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hexproperty autoscale simulate}: the scaling policies against traces, offline. */
@Command(name = "autoscale", mixinStandardHelpOptions = true,
        description = "Autoscaling tools. `autoscale simulate` runs the real policies against arrival-rate traces.",
        subcommands = {AutoscaleCommand.Simulate.class})
final class AutoscaleCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "simulate", mixinStandardHelpOptions = true,
            description = "Simulates workers with capacity, start-up delay and queueing under a trace, driven by a policy "
                    + "(hpa: a model of the Kubernetes HPA v2; reactive; predictive), and prints SLO-violation seconds and "
                    + "worker-seconds per trace and policy.")
    static final class Simulate implements Callable<Integer> {
        @Option(names = "--trace", defaultValue = "all", paramLabel = "FILE|NAME",
                description = "step, spike, diurnal, open-house, all (default), or a file: CSV seconds,rate or a loadtest result.json.")
        List<String> traces = new ArrayList<>();

        @Option(names = "--policy", defaultValue = "all", description = "hpa, reactive, predictive or all (default: ${DEFAULT-VALUE}).")
        List<String> policies = new ArrayList<>();

        @Option(names = "--capacity-rps", defaultValue = "100", description = "Requests per second one worker serves (default: ${DEFAULT-VALUE}).")
        double capacityRps;

        @Option(names = "--startup", defaultValue = "15s", converter = DurationConverter.class,
                description = "Worker start-up, start to first request (default: ${DEFAULT-VALUE}).")
        Duration startup;

        @Option(names = "--slo", defaultValue = "250ms", converter = DurationConverter.class, description = "p99 objective (default: ${DEFAULT-VALUE}).")
        Duration slo;

        @Option(names = "--initial-workers", defaultValue = "2", description = "Workers at the start (default: ${DEFAULT-VALUE}).")
        int initialWorkers;

        @Option(names = "--warm-pool", defaultValue = "0", paramLabel = "N",
                description = "Standbys kept warm out of rotation; a scale-out admits them with no start-up (default: ${DEFAULT-VALUE}).")
        int warmPool;

        @Option(names = "--seed", defaultValue = "42", description = "Seed of the built-in traces' noise (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--decisions", description = "Also print every scaling decision.")
        boolean decisions;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            SimulationConfig sim;
            try {
                sim = new SimulationConfig(capacityRps, startup, slo, initialWorkers, warmPool);
            } catch (IllegalArgumentException e) {
                throw new StartupException(e.getMessage());
            }
            List<Trace> loaded = new ArrayList<>();
            for (String t : traces) {
                if (t.equals("all")) {
                    for (String b : Trace.BUILTINS) {
                        loaded.add(Trace.builtin(b, seed));
                    }
                } else if (Trace.BUILTINS.contains(t)) {
                    loaded.add(Trace.builtin(t, seed));
                } else {
                    Path p = Path.of(t);
                    if (!Files.isRegularFile(p)) {
                        throw new IllegalArgumentException("--trace: '" + t + "' is neither a built-in trace " + Trace.BUILTINS + " nor a readable file");
                    }
                    loaded.add(Trace.read(p));
                }
            }
            List<String> names = policies.contains("all") ? SimulationPolicies.NAMES : policies;
            List<Simulator.Result> results = new ArrayList<>();
            var out = spec.commandLine().getOut();
            for (Trace t : loaded) {
                for (String n : names) {
                    Simulator.Result r = new Simulator(sim).run(t, SimulationPolicies.of(n, t, sim));
                    results.add(r);
                    if (decisions) {
                        out.println("## " + r.trace() + " / " + r.policy());
                        r.changes().forEach(d -> out.println("  +" + java.time.Duration.between(t.start(), d.at()).toSeconds() + "s "
                                + d.current() + " -> " + d.desired() + " [" + d.rule() + "] " + d.reason()));
                    }
                }
            }
            out.printf("capacity %.0f rps/worker, start-up %d s, SLO p99 %d ms, initial workers %d, warm pool %d, seed %d%n%n", capacityRps,
                    startup.toSeconds(), slo.toMillis(), initialWorkers, warmPool, seed);
            out.print(SimulationPolicies.table(results));
            out.flush();
            return 0;
        }
    }
}
