package io.hexproperty.balancer.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Rule parsing, the metric window, the connection budget, configs and the vertical advisor. */
@Tag("unit")
class RulesAndBudgetTest {
    private static final Instant T0 = Trace.MONDAY;

    @Test
    void parsesRuleTextsAndNamesWhatIsWrong() {
        assertThat(StepRule.parse("queue-per-worker>=100:+3")).isEqualTo(new StepRule(Metric.QUEUE_PER_WORKER, 100, 3));
        ThresholdTrigger t = ThresholdTrigger.parse("cpu<0.2for2m:-1");
        assertThat(t).isEqualTo(new ThresholdTrigger(Metric.CPU, false, 0.2, Duration.ofMinutes(2), -1));
        ScheduleRule s = ScheduleRule.parse("mon-fri 08:30-18:00 min=3", ZoneOffset.UTC);
        assertThat(s.days()).containsExactlyInAnyOrder(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY,
                DayOfWeek.THURSDAY, DayOfWeek.FRIDAY);
        assertThat(s.from()).isEqualTo(LocalTime.of(8, 30));
        assertThat(ScheduleRule.parse("daily 00:00-06:00 min=1", ZoneOffset.UTC).days()).hasSize(7);
        assertThatThrownBy(() -> StepRule.parse("p99>1000:+2")).hasMessageContaining("METRIC>=VALUE:+N");
        assertThatThrownBy(() -> StepRule.parse("latency>=1:+2")).hasMessageContaining("unknown metric 'latency'");
        assertThatThrownBy(() -> ThresholdTrigger.parse("p99>250for10x:+1")).hasMessageContaining("duration '10x'");
        assertThatThrownBy(() -> ScheduleRule.parse("caturday 10:00-14:00 min=4", ZoneOffset.UTC)).hasMessageContaining("unknown day");
        assertThatThrownBy(() -> ScheduleRule.parse("sat 14:00-10:00 min=4", ZoneOffset.UTC)).hasMessageContaining("from < to");
        assertThatThrownBy(() -> new ScalingEvent("x", T0, T0, 10, 0)).hasMessageContaining("end:");
        assertThatThrownBy(() -> new ScalingEvent("x", T0, T0.plusSeconds(1), -1, 0)).hasMessageContaining("expectedRate:");
    }

    @Test
    void windowKeepsItsRetentionAndHeldForNeedsFullCoverage() {
        MetricWindow w = new MetricWindow(Duration.ofSeconds(30));
        for (int i = 0; i < 100; i++) {
            w.add(MetricSample.ofRate(T0.plusSeconds(i), i, 1, 1));
        }
        assertThat(w.last(Duration.ofMinutes(5))).hasSize(31);
        assertThat(w.mean(Metric.ARRIVAL_RATE, Duration.ofSeconds(3))).isEqualTo(98.0);
        assertThat(w.heldFor(Metric.ARRIVAL_RATE, v -> v > 80, Duration.ofSeconds(10))).isTrue();
        assertThat(w.heldFor(Metric.ARRIVAL_RATE, v -> v > 95, Duration.ofSeconds(10))).isFalse();
        assertThat(w.heldFor(Metric.ARRIVAL_RATE, v -> v > 0, Duration.ofMinutes(1))).isFalse(); // only 30 s kept
        assertThatThrownBy(() -> w.add(MetricSample.ofRate(T0, 1, 1, 1))).hasMessageContaining("older than the last");
    }

    @Test
    void connectionBudgetStatesItsCounts() {
        ConnectionBudget b = new ConnectionBudget(100, 10, 8);
        assertThat(b.maxWorkers()).isEqualTo(11);
        assertThat(b.violation(11)).isNull();
        assertThat(b.violation(12)).isEqualTo("12 workers x pool 8 = 96 connections > max_connections 100 - reserve 10 = 90");
        assertThatThrownBy(() -> ScalingConfig.defaults().withBudget(new ConnectionBudget(20, 10, 16)))
                .hasMessageContaining("allows 0 workers, below min workers 1");
        assertThatThrownBy(() -> ScalingConfig.defaults().withBounds(4, 2)).hasMessageContaining("max workers (2) must be >= min workers (4)");
    }

    @Test
    void verticalAdvisorSizesFromUsageAndRespectsTheBudget() {
        VerticalAdvisor advisor = new VerticalAdvisor(10, 4);
        List<WorkerUsage> busy = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            busy.add(new WorkerUsage(i % 10 == 0 ? 12 : 6, i % 10 == 0 ? 3 : 0, 1.5, 5, 300));
        }
        VerticalAdvisor.Recommendation r = advisor.recommend(busy, WorkerSize.defaults(), ConnectionBudget.defaults(), 4);
        // p95 in use 12 x 1.25, x 1.25 again because 10% of samples waited: 18.75 -> 19; 90 usable / 4 workers = 22
        assertThat(r.size()).isEqualTo(new WorkerSize(19, 2, 512));
        assertThat(r.changed()).isTrue();
        VerticalAdvisor.Recommendation capped = advisor.recommend(busy, WorkerSize.defaults(), ConnectionBudget.defaults(), 6);
        assertThat(capped.size().poolSize()).isEqualTo(15);
        assertThat(capped.reason()).contains("capped at 15 by the connection budget");
        VerticalAdvisor.Recommendation few = advisor.recommend(busy.subList(0, 3), WorkerSize.defaults(), ConnectionBudget.defaults(), 4);
        assertThat(few.changed()).isFalse();
        assertThat(few.reason()).contains("3 usage samples, need 10");
    }

    private static io.hexproperty.balancer.gateway.WorkerView worker(String id, double effectiveWeight, double latencyMillis) {
        return new io.hexproperty.balancer.gateway.WorkerView(id, "http://127.0.0.1:1", "up", 1, effectiveWeight, 0, latencyMillis, 0, 0,
                "up", List.of(), 0, 0, io.hexproperty.balancer.algorithms.ResourceReport.none(), null);
    }

    @Test
    void p99ProxyIgnoresWorkersStillInSlowStart() {
        // a just-added worker answers its first requests slowly (cold JIT): that must not order another worker
        assertThat(Autoscaler.p99Proxy(List.of(worker("warm", 1, 80), worker("cold", 0.1, 900)))).isEqualTo(80);
        assertThat(Autoscaler.p99Proxy(List.of(worker("warm", 1, 300), worker("cold", 0.5, 900)))).isEqualTo(300);
        // every ready worker warming (after a rolling resize): nothing warm to read, the p99 rules wait
        assertThat(Autoscaler.p99Proxy(List.of(worker("a", 0.2, 400), worker("b", 0.3, 1500)))).isZero();
        assertThat(Autoscaler.p99Proxy(List.of())).isZero();
    }
}
