package io.hexproperty.loadtest.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Unit;
import java.util.List;
import org.junit.jupiter.api.Test;

@Unit
class ThresholdTest {

    @Test
    void parsesTheSloSyntax() {
        List<Threshold> t = Threshold.parseAll("p99<50ms, p99.9<=1s,errors<0.1%,mean<250us,rate>=95,max<2s");
        assertThat(t).extracting(Threshold::metric).containsExactly("p99", "p99.9", "errors", "mean", "rate", "max");
        assertThat(t.get(0).limit()).isEqualTo(50_000);
        assertThat(t.get(1).op()).isEqualTo(Threshold.Op.LE);
        assertThat(t.get(1).limit()).isEqualTo(1_000_000);
        assertThat(t.get(2).limit()).isEqualTo(0.001);
        assertThat(t.get(3).limit()).isEqualTo(250);
        assertThat(t.get(4).op()).isEqualTo(Threshold.Op.GE);
    }

    @Test
    void rejectsWhatItCannotJudge() {
        assertThatThrownBy(() -> Threshold.parse("p99<50")).hasMessageContaining("time unit");
        assertThatThrownBy(() -> Threshold.parse("latency<50ms")).hasMessageContaining("unknown metric");
        assertThatThrownBy(() -> Threshold.parse("p99 about 5ms")).hasMessageContaining("METRIC OP VALUE");
    }

    private static Tally second(int requests, long latencyMicros, int errors) {
        Tally t = new Tally();
        for (int i = 0; i < requests; i++) {
            t.latency.recordValue(i < requests - 1 ? 1_000 : latencyMicros);
        }
        t.completed = requests;
        t.sent = requests;
        t.errors = errors;
        t.seconds = 1;
        return t;
    }

    @Test
    void judgesSlidingWindowsFromAddedHistogramsAndTheWholeRunAtTheEnd() {
        ThresholdMonitor m = new ThresholdMonitor(Threshold.parseAll("p99<50ms,errors<1%"), 5);
        Tally total = new Tally();
        // 10 clean seconds of 100 requests at 1 ms.
        for (int s = 1; s <= 10; s++) {
            Tally t = second(100, 1_000, 0);
            assertThat(m.onInterval(t, s)).as("second %d", s).isEmpty();
            total.add(t);
        }
        // One second in which 20 of 100 requests take 200 ms: 20 of 500 in the window = 4% > 1%.
        Tally bad = new Tally();
        for (int i = 0; i < 100; i++) {
            bad.latency.recordValue(i < 20 ? 200_000 : 1_000);
        }
        bad.completed = 100;
        bad.seconds = 1;
        assertThat(m.onInterval(bad, 11)).extracting(Threshold::metric).containsExactly("p99");
        total.add(bad);
        // It stays in the window for five seconds, then leaves it.
        for (int s = 12; s <= 20; s++) {
            Tally t = second(100, 1_000, 0);
            List<Threshold> breached = m.onInterval(t, s);
            assertThat(breached).as("second %d", s).hasSize(s <= 15 ? 1 : 0);
            total.add(t);
        }
        ThresholdMonitor.Track p99 = m.tracks().get(0);
        assertThat(p99.windowsBreached).isEqualTo(5);
        assertThat(p99.windowsJudged).isEqualTo(16);
        assertThat(p99.firstBreachSeconds).isEqualTo(11);
        assertThat(p99.worstObserved).isGreaterThanOrEqualTo(199_000);
        // Over the whole run 20 of 2000 are slow = 1%: p99 sits at the edge of the slow group.
        m.finish(total);
        assertThat(p99.finalObserved).isLessThan(2_000);
        assertThat(p99.breached()).isTrue();
        assertThat(m.tracks().get(1).breached()).isFalse();
    }

    @Test
    void errorsCountDroppedStartsAndAreJudgedPerWindow() {
        ThresholdMonitor m = new ThresholdMonitor(Threshold.parseAll("errors<1%"), 2);
        m.onInterval(second(100, 1_000, 0), 1);
        assertThat(m.onInterval(second(100, 1_000, 0), 2)).isEmpty();
        Tally dropped = second(98, 1_000, 1);
        dropped.dropped = 2;
        // (1 error + 2 dropped) of 200 attempted = 1.5%
        assertThat(m.onInterval(dropped, 3)).hasSize(1);
        assertThat(m.window().errorRate()).isEqualTo(3.0 / 200);
    }

    @Test
    void windowsWithoutTrafficAreNotJudged() {
        ThresholdMonitor m = new ThresholdMonitor(Threshold.parseAll("p99<1ms"), 1);
        Tally empty = new Tally();
        empty.seconds = 1;
        assertThat(m.onInterval(empty, 1)).isEmpty();
        assertThat(m.tracks().get(0).windowsJudged).isZero();
    }
}
