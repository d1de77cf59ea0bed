package io.hexproperty.balancer.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a real {@link ScalingPolicy} against a trace, one control step per second, on a fluid model of the
 * cluster.
 *
 * <p>Model (per second): arrivals {@code a}; capacity {@code C = ready x capacityRps}; the backlog {@code Q}
 * carries what was not served. Latency is an M/M/1 per worker at the utilisation it sees, {@code p99 =
 * ln(100) / (mu (1 - rho))} with rho capped at 0.99, plus the time to work off the backlog, {@code Q / C}.
 * CPU is rho; in-flight per worker follows Little's law. A decision to add workers starts them at once; they
 * take traffic {@code startup} later and cost worker-seconds from the start. A decision to remove workers
 * cancels starting ones first, then drains ready ones (their in-flight work finishes within the second at
 * these rates, so a drained worker is gone the next second). The policy sees the metrics of the second that
 * just ended, as the gateway would.
 *
 * <p>Warm pool ({@link SimulationConfig#warmPool}, ADR 0023): that many standbys are warm at the start; a
 * scale-out admits warm standbys first, which serve the next second (no start-up), and starts cold workers
 * for the rest; then the pool is refilled (a refill takes {@code startup}, as any worker). The pool's
 * target is {@code min(warmPool, maxWorkers - current)} with the policies' bound of
 * {@value SimulationPolicies#MAX_WORKERS}. A scale-in returns the drained worker to the pool when it is
 * short. Standbys cost worker-seconds from their start, reported apart ({@code standbyWorkerSeconds}).
 * The connection budget is the policy's alone here: the simulated budget (23 workers) never binds.
 */
public final class Simulator {
    public record Result(String trace, String policy, int seconds, int violationSeconds, double workerSeconds,
                         int maxWorkers, int scaleOuts, int scaleIns, double servedShare, List<Decision> changes,
                         int[] workersPerSecond, double[] p99PerSecond, double standbyWorkerSeconds) {}

    private final SimulationConfig config;

    public Simulator(SimulationConfig config) {
        this.config = config;
    }

    public Result run(Trace trace, ScalingPolicy policy) {
        double mu = config.capacityRps();
        long startupSec = config.startup().toSeconds();
        policy.startupObserved(config.startup());
        List<Long> starting = new ArrayList<>(); // ready-at second of each starting worker
        List<Long> standbyStarting = new ArrayList<>(); // warm-at second of each starting standby
        int warm = Math.min(config.warmPool(), Math.max(0, SimulationPolicies.MAX_WORKERS - config.initialWorkers()));
        double standbySeconds = 0;
        int ready = config.initialWorkers();
        double backlog = 0;
        int violations = 0;
        double workerSeconds = 0;
        int maxWorkers = ready;
        int outs = 0;
        int ins = 0;
        double arrived = 0;
        double served = 0;
        List<Decision> changes = new ArrayList<>();
        int[] workers = new int[trace.seconds()];
        double[] p99s = new double[trace.seconds()];
        MetricWindow window = new MetricWindow(Duration.ofMinutes(10));
        double sloMs = config.slo().toMillis();
        for (int t = 0; t < trace.seconds(); t++) {
            final long now = t;
            int became = (int) starting.stream().filter(r -> r <= now).count();
            starting.removeIf(r -> r <= now);
            ready += became;
            warm += (int) standbyStarting.stream().filter(r -> r <= now).count();
            standbyStarting.removeIf(r -> r <= now);
            double a = trace.rates()[t];
            arrived += a;
            double cap = ready * mu;
            double work = backlog + a;
            double done = Math.min(work, cap);
            backlog = work - done;
            served += done;
            double rho = cap > 0 ? Math.min(0.99, a / cap) : 0.99;
            double p99Ms = cap > 0 ? 1000 * (Math.log(100) / (mu * (1 - rho)) + backlog / cap) : 60_000;
            if (p99Ms > sloMs && a > 0) {
                violations++;
            }
            int current = ready + starting.size();
            workerSeconds += current;
            standbySeconds += warm + standbyStarting.size();
            maxWorkers = Math.max(maxWorkers, current);
            workers[t] = current;
            p99s[t] = p99Ms;
            double cpu = cap > 0 ? Math.min(1, done / cap) : 0;
            double inFlight = ready > 0 ? (rho / (1 - rho)) + backlog / ready : 0;
            Instant at = trace.start().plusSeconds(t);
            window.add(new MetricSample(at, a, inFlight, cpu, p99Ms, 0, backlog, current, ready));
            Decision d = policy.decide(window);
            if (d.desired() > current) {
                for (int i = 0; i < d.desired() - current; i++) {
                    if (warm > 0) {
                        warm--;
                        starting.add(t + 1L); // admitted: serves from the next second
                    } else {
                        starting.add(t + 1 + startupSec);
                    }
                }
                outs++;
                changes.add(d);
            } else if (d.desired() < current) {
                int remove = current - d.desired();
                while (remove > 0 && !starting.isEmpty()) {
                    starting.remove(starting.size() - 1);
                    remove--;
                }
                ready -= remove;
                for (int i = 0; i < remove && warm + standbyStarting.size() < standbyTarget(d.desired()); i++) {
                    warm++; // drained back into the pool instead of stopped
                }
                ins++;
                changes.add(d);
            }
            int after = ready + starting.size();
            while (warm + standbyStarting.size() < standbyTarget(after)) {
                standbyStarting.add(t + 1 + startupSec);
            }
            while (warm > 0 && warm + standbyStarting.size() > standbyTarget(after)) {
                warm--; // surplus standby stopped
            }
        }
        return new Result(trace.name(), policy.name(), trace.seconds(), violations, workerSeconds, maxWorkers, outs, ins,
                arrived == 0 ? 1 : served / arrived, changes, workers, p99s, standbySeconds);
    }

    private int standbyTarget(int inRotation) {
        return Math.max(0, Math.min(config.warmPool(), SimulationPolicies.MAX_WORKERS - inRotation));
    }
}
