package io.hexproperty.balancer.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The rule policy, driven sample by sample with hand-made times (no clock, no sockets). */
@Tag("unit")
class RulePolicyTest {
    private static final Instant T0 = Trace.MONDAY;

    /** Capacity 100 rps x 0.7: 70 rps per worker. Rules of the defaults, no p99 rules unless a test adds them. */
    private static ScalingConfig config() {
        return ScalingConfig.defaults().withCapacity(100).withBounds(1, 10).withRules(List.of(), List.of())
                .withBudget(new ConnectionBudget(200, 10, 8));
    }

    /** Feeds {@code seconds} one-second samples of a rate; applies each decision; returns the last. */
    private static final class Driver {
        final ScalingPolicy policy;
        final MetricWindow window = new MetricWindow(Duration.ofMinutes(10));
        int workers;
        long t;
        Decision last;

        Driver(ScalingPolicy policy, int workers) {
            this.policy = policy;
            this.workers = workers;
        }

        Decision run(int seconds, double rate) {
            return run(seconds, rate, 0);
        }

        Decision run(int seconds, double rate, double p99) {
            for (int i = 0; i < seconds; i++) {
                window.add(new MetricSample(T0.plusSeconds(t++), rate, 1, Math.min(1, rate / (workers * 100.0)), p99, 0, 0, workers, workers));
                last = policy.decide(window);
                workers = last.desired();
            }
            return last;
        }
    }

    @Test
    void rateTrackingScalesOutAtOnceWithinTheStepLimit() {
        Driver d = new Driver(ScalingPolicy.reactive(config(), EventBoard.empty()), 2);
        Decision first = d.run(1, 600);
        assertThat(first.desired()).isEqualTo(6); // wants ceil(600 / 70) = 9, limited to +max(4, 100%)
        assertThat(first.rule()).isEqualTo("target:arrival-rate");
        assertThat(first.reason()).contains("600.0 rps").contains("wants 9").contains("step limited to +4");
        assertThat(d.run(1, 600).desired()).isEqualTo(9);
    }

    @Test
    void ratioWithinToleranceHolds() {
        Driver d = new Driver(ScalingPolicy.reactive(config(), EventBoard.empty()), 4);
        // 4 workers x 70 = 280 target; 300 is 7% above: inside the 10% tolerance
        assertThat(d.run(10, 300).desired()).isEqualTo(4);
        assertThat(d.run(5, 320).desired()).isEqualTo(5); // 14% above over the 5 s evaluation window
    }

    @Test
    void scaleInWaitsForTheStabilizationWindow() {
        ScalingConfig c = config().withStabilization(Duration.ZERO, Duration.ofSeconds(60), Duration.ZERO);
        Driver d = new Driver(ScalingPolicy.reactive(c, EventBoard.empty()), 6);
        d.run(30, 400); // wants 6
        Decision held = d.run(55, 100); // wants 2, but 6 was recommended within the last 60 s
        assertThat(held.desired()).isEqualTo(6);
        assertThat(held.rule()).isEqualTo("stabilization");
        assertThat(held.reason()).contains("highest recommendation of the last 60 s is 6");
        d.run(10, 100);
        assertThat(d.workers).isLessThan(6);
        d.run(30, 100);
        assertThat(d.workers).isEqualTo(2);
    }

    @Test
    void aDipShorterThanTheWindowNeverRemovesAWorker() {
        ScalingConfig c = config().withStabilization(Duration.ZERO, Duration.ofSeconds(60), Duration.ZERO);
        Driver d = new Driver(ScalingPolicy.reactive(c, EventBoard.empty()), 6);
        for (int i = 0; i < 10; i++) {
            d.run(40, 400);
            d.run(50, 50);
            assertThat(d.workers).isEqualTo(6);
        }
    }

    @Test
    void cooldownDelaysAScaleInAfterAChange() {
        ScalingConfig c = config().withStabilization(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(15));
        Driver d = new Driver(ScalingPolicy.reactive(c, EventBoard.empty()), 2);
        d.run(1, 400); // 2 -> 6
        assertThat(d.workers).isEqualTo(6);
        Decision cool = d.run(10, 100);
        assertThat(cool.desired()).isEqualTo(6);
        assertThat(cool.rule()).isEqualTo("cooldown");
        assertThat(cool.reason()).contains("cooldown 15 s");
        d.run(10, 100);
        assertThat(d.workers).isLessThan(6);
    }

    @Test
    void scaleInIsLimitedPerStep() {
        ScalingConfig c = config().withStabilization(Duration.ZERO, Duration.ZERO, Duration.ZERO);
        Driver d = new Driver(ScalingPolicy.reactive(c, EventBoard.empty()), 10);
        Decision first = d.run(1, 10);
        assertThat(first.desired()).isEqualTo(8); // maxStepDown 2
        assertThat(first.reason()).contains("step limited to -2");
    }

    @Test
    void boundsHoldWhateverTheLoad() {
        ScalingConfig c = config().withBounds(2, 5).withStabilization(Duration.ZERO, Duration.ZERO, Duration.ZERO);
        Driver d = new Driver(ScalingPolicy.reactive(c, EventBoard.empty()), 1);
        assertThat(d.run(1, 0).desired()).isEqualTo(2); // below min: raised to min
        d.run(5, 5000);
        assertThat(d.workers).isEqualTo(5);
        assertThat(d.last.reason()).contains("capped at max workers 5");
        d.run(30, 0);
        assertThat(d.workers).isEqualTo(2);
    }

    @Test
    void aDecisionBreakingTheConnectionBudgetIsRefusedWithTheNumbers() {
        ScalingConfig c = config().withBudget(new ConnectionBudget(50, 10, 8)); // 40 usable / 8 = 5 workers
        Driver d = new Driver(ScalingPolicy.reactive(c, EventBoard.empty()), 4);
        Decision refused = d.run(1, 700); // wants 10
        assertThat(refused.desired()).isEqualTo(5);
        assertThat(refused.refused()).isTrue();
        assertThat(refused.rule()).isEqualTo("budget");
        assertThat(refused.reason()).contains("refused 8 workers").contains("max_connections 50 - reserve 10 = 40").contains("holding at 5");
        assertThat(d.run(20, 700).desired() * 8).isLessThanOrEqualTo(40);
    }

    @Test
    void thresholdTriggerNeedsItsWholeForDuration() {
        ScalingConfig c = ScalingConfig.defaults().withBounds(2, 10).withRules(List.of(),
                List.of(ThresholdTrigger.parse("p99>250for5s:+1"))).withStabilization(Duration.ZERO, Duration.ofMinutes(5), Duration.ZERO);
        Driver d = new Driver(ScalingPolicy.reactive(c, EventBoard.empty()), 2);
        d.run(4, 10, 400);
        d.run(1, 10, 100); // the breach is interrupted
        d.run(5, 10, 400); // 5 samples in (t-5, t]: the one at t-5 was fine
        assertThat(d.workers).isEqualTo(2);
        Decision fired = d.run(1, 10, 400);
        assertThat(fired.desired()).isEqualTo(3);
        assertThat(fired.rule()).isEqualTo("trigger:p99");
        assertThat(fired.reason()).contains("p99>250.0 for 5s:+1");
    }

    @Test
    void stepRulesApplyTheHighestMatchingStep() {
        ScalingConfig c = ScalingConfig.defaults().withBounds(1, 20).withRules(
                List.of(StepRule.parse("p99>=500:+1"), StepRule.parse("p99 >= 1000 : +3")), List.of());
        Driver d = new Driver(ScalingPolicy.reactive(c, EventBoard.empty()), 2);
        assertThat(d.run(1, 10, 600).desired()).isEqualTo(3);
        assertThat(d.run(1, 10, 1500).desired()).isEqualTo(6);
        assertThat(d.last.rule()).isEqualTo("step:p99");
    }

    @Test
    void symptomRulesWaitForStartingWorkers() {
        ScalingConfig c = ScalingConfig.defaults().withBounds(1, 20).withRules(List.of(StepRule.parse("p99>=500:+2")), List.of());
        ScalingPolicy p = ScalingPolicy.reactive(c, EventBoard.empty());
        MetricWindow w = new MetricWindow(Duration.ofMinutes(1));
        // 4 workers, 2 of them still starting: a bad p99 must not order more
        w.add(new MetricSample(T0, 100, 1, 0.7, 900, 0, 0, 4, 2));
        Decision d = p.decide(w);
        assertThat(d.desired()).isEqualTo(4);
        assertThat(d.reason()).contains("symptom rules held while 2 worker(s) start");
        w.add(new MetricSample(T0.plusSeconds(1), 100, 1, 0.7, 900, 0, 0, 4, 4));
        assertThat(p.decide(w).desired()).isEqualTo(6);
    }

    @Test
    void cpuTargetTrackingWithoutAKnownCapacity() {
        ScalingConfig c = ScalingConfig.defaults().withBounds(1, 20).withRules(List.of(), List.of());
        ScalingPolicy p = ScalingPolicy.reactive(c, EventBoard.empty());
        MetricWindow w = new MetricWindow(Duration.ofMinutes(1));
        w.add(new MetricSample(T0, 100, 1, 0.95, 10, 0, 0, 3, 3));
        Decision d = p.decide(w);
        assertThat(d.desired()).isEqualTo(5); // ceil(3 x 0.95 / 0.7)
        assertThat(d.rule()).isEqualTo("target:cpu");
    }

    @Test
    void scheduleRaisesTheFloorAheadOfItsWindowOnItsDaysOnly() {
        ScalingConfig c = config().withSchedules(List.of(ScheduleRule.parse("sat 10:00-14:00 min=4", ZoneOffset.UTC)))
                .withStartup(Duration.ofSeconds(15));
        Instant saturday0959 = Instant.parse("2026-01-10T09:59:30Z"); // 30 s before: lead is 15 s start-up + 5 s window
        Instant saturday09594 = Instant.parse("2026-01-10T09:59:45Z");
        ScalingPolicy p = ScalingPolicy.reactive(c, EventBoard.empty());
        MetricWindow w = new MetricWindow(Duration.ofMinutes(1));
        w.add(MetricSample.ofRate(saturday0959, 50, 1, 1));
        assertThat(p.decide(w).desired()).isEqualTo(1);
        w.add(MetricSample.ofRate(saturday09594, 50, 1, 1));
        Decision d = p.decide(w);
        assertThat(d.desired()).isEqualTo(4);
        assertThat(d.rule()).isEqualTo("schedule");
        MetricWindow friday = new MetricWindow(Duration.ofMinutes(1)).add(MetricSample.ofRate(Instant.parse("2026-01-09T11:00:00Z"), 50, 1, 1));
        assertThat(ScalingPolicy.reactive(c, EventBoard.empty()).decide(friday).desired()).isEqualTo(1);
    }

    @Test
    void anAnnouncedEventScalesBeforeItStartsAndReleasesAfterItEnds() {
        EventBoard board = EventBoard.empty();
        Instant start = T0.plusSeconds(600);
        board.post(new ScalingEvent("spring mail", start, start.plusSeconds(300), 560, 0), T0);
        ScalingConfig c = config().withStabilization(Duration.ZERO, Duration.ZERO, Duration.ZERO);
        Driver d = new Driver(ScalingPolicy.reactive(c, board), 1);
        d.run(570, 50);
        assertThat(d.workers).isEqualTo(1);
        d.run(15, 50); // t = 585: 15 s start-up + 5 s before the start
        assertThat(d.workers).isEqualTo(8); // ceil(560 / 70)
        assertThat(d.last.reason()).contains("spring mail");
        d.run(330, 50);
        assertThat(d.workers).isEqualTo(1);
    }

    @Test
    void predictiveScalesAheadOfReactiveOnARepeatingDay() {
        // a 600 s "day": 70 rps at night, a steady 60 s ramp to 490 rps, then back
        Trace trace = new Trace("ramps", T0, ramps(4, 600), Duration.ofSeconds(600), List.of());
        SimulationConfig sim = new SimulationConfig(100, Duration.ofSeconds(20), Duration.ofMillis(250), 1);
        Simulator.Result reactive = new Simulator(sim).run(trace, SimulationPolicies.of("reactive", trace, sim));
        Simulator.Result predictive = new Simulator(sim).run(trace, SimulationPolicies.of("predictive", trace, sim));
        // on the last day the forecast has seen three seasons: its scale-out starts before the ramp's pressure does
        int day3 = 3 * 600;
        assertThat(firstScaleOutAfter(predictive, day3)).isLessThan(firstScaleOutAfter(reactive, day3));
        assertThat(predictive.violationSeconds()).isLessThan(reactive.violationSeconds());
    }

    private static double[] ramps(int days, int day) {
        double[] r = new double[days * day];
        for (int i = 0; i < r.length; i++) {
            int s = i % day;
            r[i] = s < 300 ? 70 : s < 360 ? 70 + (s - 300) * 7 : s < 480 ? 490 : 70;
        }
        return r;
    }

    private static long firstScaleOutAfter(Simulator.Result r, int second) {
        for (int i = second + 1; i < r.workersPerSecond().length; i++) {
            if (r.workersPerSecond()[i] > r.workersPerSecond()[second]) {
                return i;
            }
        }
        return Long.MAX_VALUE;
    }
}
