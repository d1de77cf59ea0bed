package io.hexproperty.balancer.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fluid cluster model, trace reading, and the policies' standing against the HPA model on the built-in traces. */
@Tag("unit")
class SimulatorTest {
    private static final SimulationConfig SIM = SimulationConfig.defaults();

    @Test
    void fixedCapacityAboveTheLoadNeverViolatesAndBelowItAlwaysDoes() {
        Trace flat = new Trace("flat", Trace.MONDAY, constant(300, 200), Duration.ofDays(1), List.of());
        Simulator.Result enough = new Simulator(new SimulationConfig(100, Duration.ofSeconds(10), Duration.ofMillis(250), 4))
                .run(flat, ScalingPolicy.none());
        assertThat(enough.violationSeconds()).isZero();
        assertThat(enough.workerSeconds()).isEqualTo(4 * 300);
        Simulator.Result short1 = new Simulator(new SimulationConfig(100, Duration.ofSeconds(10), Duration.ofMillis(250), 1))
                .run(flat, ScalingPolicy.none());
        assertThat(short1.violationSeconds()).isEqualTo(300);
        assertThat(short1.servedShare()).isBetween(0.49, 0.51);
    }

    @Test
    void aStartedWorkerCostsFromItsStartAndServesAfterItsStartUp() {
        Trace flat = new Trace("flat", Trace.MONDAY, constant(100, 150), Duration.ofDays(1), List.of());
        SimulationConfig sim = new SimulationConfig(100, Duration.ofSeconds(20), Duration.ofMillis(250), 1);
        Simulator.Result r = new Simulator(sim).run(flat, SimulationPolicies.of("reactive", flat, sim));
        assertThat(r.workersPerSecond()[1]).isEqualTo(3); // decided at second 0
        assertThat(r.p99PerSecond()[10]).isGreaterThan(250); // one worker for 150 rps until the others are up
        assertThat(r.p99PerSecond()[60]).isLessThan(250);
    }

    @Test
    void anAdmittedStandbyServesTheNextSecondAndTheWarmPoolCostsApart() {
        Trace flat = new Trace("flat", Trace.MONDAY, constant(100, 150), Duration.ofDays(1), List.of());
        SimulationConfig sim = new SimulationConfig(100, Duration.ofSeconds(20), Duration.ofMillis(250), 1);
        Simulator.Result cold = new Simulator(sim).run(flat, SimulationPolicies.of("reactive", flat, sim));
        Simulator.Result warm = new Simulator(sim.withWarmPool(1)).run(flat, SimulationPolicies.of("reactive", flat, sim));
        // decided at second 0 (1 -> 3): one standby admitted serves from second 1, the other worker starts cold
        assertThat(warm.p99PerSecond()[1]).isLessThan(250);
        assertThat(cold.p99PerSecond()[10]).isGreaterThan(250);
        assertThat(warm.violationSeconds()).isLessThan(cold.violationSeconds()).isLessThanOrEqualTo(2);
        assertThat(warm.workersPerSecond()[1]).isEqualTo(3);
        // the pool is refilled after the admission and kept full: one standby each second, counted apart
        assertThat(warm.standbyWorkerSeconds()).isEqualTo(100);
        assertThat(cold.standbyWorkerSeconds()).isZero();
        // and the backlog a cold start-up builds is not there to be sized for: fewer serving worker-seconds
        assertThat(warm.workerSeconds()).isLessThan(cold.workerSeconds());
        assertThat(SimulationPolicies.table(List.of(cold, warm))).contains("standby worker-seconds");
        assertThat(SimulationPolicies.table(List.of(cold))).doesNotContain("standby");
    }

    @Test
    void ourPoliciesBeatTheHpaModelOnEveryBuiltInTrace() {
        for (String name : Trace.BUILTINS) {
            Trace t = Trace.builtin(name, 42);
            Simulator.Result hpa = new Simulator(SIM).run(t, SimulationPolicies.of("hpa", t, SIM));
            Simulator.Result reactive = new Simulator(SIM).run(t, SimulationPolicies.of("reactive", t, SIM));
            Simulator.Result predictive = new Simulator(SIM).run(t, SimulationPolicies.of("predictive", t, SIM));
            for (Simulator.Result ours : List.of(reactive, predictive)) {
                assertThat(ours.violationSeconds()).as(name + " " + ours.policy()).isLessThan(hpa.violationSeconds());
                assertThat(ours.workerSeconds()).as(name + " " + ours.policy()).isLessThanOrEqualTo(hpa.workerSeconds());
            }
            if (name.equals("diurnal") || name.equals("open-house")) {
                assertThat(predictive.violationSeconds()).as(name).isLessThan(reactive.violationSeconds());
            }
        }
    }

    @Test
    void readsCsvWithGapsAndLoadtestResults(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("arrivals.csv");
        Files.writeString(csv, "seconds,rate\n0,10\n1,20\n4,40\n");
        assertThat(Trace.read(csv).rates()).containsExactly(10, 20, 20, 20, 40);
        Path json = dir.resolve("result.json");
        Files.writeString(json, """
                {"startedAt":"2026-01-05T10:00:00Z","seriesColumns":["start","end","intendedRate","sentRate"],
                 "series":[[0,1,100,99],[1,2,100,101],[2,3,300,298]]}""");
        Trace t = Trace.read(json);
        assertThat(t.rates()).containsExactly(99, 101, 298);
        assertThat(t.start()).isEqualTo(java.time.Instant.parse("2026-01-05T10:00:00Z"));
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "0,10\n1,abc\n");
        assertThatThrownBy(() -> Trace.read(bad)).hasMessageContaining("line 2");
        assertThatThrownBy(() -> Trace.builtin("tsunami", 1)).hasMessageContaining("--trace: unknown built-in 'tsunami'");
        assertThatThrownBy(() -> SimulationPolicies.of("magic", t, SIM)).hasMessageContaining("--policy");
    }

    private static double[] constant(int seconds, double rate) {
        double[] r = new double[seconds];
        java.util.Arrays.fill(r, rate);
        return r;
    }
}
