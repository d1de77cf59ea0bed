package io.hexproperty.loadtest.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hexproperty.testing.lane.Unit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounded counter series and spike recovery on their own. */
@Unit
class AnalysisPartsTest {

    @Test
    void counterSeriesStaysBoundedAndMergesExactly() {
        CounterSeries s = new CounterSeries(8);
        Tally t = new Tally();
        t.sent = 10;
        t.completed = 10;
        t.errors = 1;
        for (int i = 0; i < 100; i++) {
            s.add(t, i, i + 1, 10);
        }
        List<CounterSeries.Row> rows = s.rows();
        assertThat(rows.size()).isLessThanOrEqualTo(9);
        assertThat(rows.stream().mapToLong(r -> r.completed).sum()).isEqualTo(1000);
        assertThat(rows.stream().mapToLong(r -> r.errors).sum()).isEqualTo(100);
        assertThat(rows.getFirst().start).isZero();
        assertThat(rows.getLast().end).isEqualTo(100);
        assertThat(rows.getFirst().completedRate()).isEqualTo(10);
    }

    @Test
    void linearTrendCallsASteadyClimbUnderNoiseSignificantAndFlatNoiseNot() {
        java.util.Random random = new java.util.Random(7);
        LinearTrend climb = new LinearTrend();
        LinearTrend flat = new LinearTrend();
        for (int i = 0; i < 400; i++) {
            double t = i * 5.0;
            climb.add(t, 200e6 + 1000 * t + random.nextGaussian() * 100_000); // +1 kB/s under 100 kB noise
            flat.add(t, 200e6 + random.nextGaussian() * 100_000);
        }
        assertThat(climb.slopePerSecond()).isCloseTo(1000, within(100.0));
        assertThat(climb.tStatistic()).isGreaterThan(3);
        assertThat(climb.significant()).isTrue();
        assertThat(Math.abs(flat.tStatistic())).isLessThan(3);
        assertThat(flat.significant()).isFalse();
    }

    @Test
    void linearTrendNeedsThirtySamplesToCallASlopeSignificant() {
        LinearTrend few = new LinearTrend();
        for (int i = 0; i < 29; i++) {
            few.add(i, i * 10.0 + (i % 2)); // a clear climb, but too short a series
        }
        assertThat(few.tStatistic()).isGreaterThan(3);
        assertThat(few.significant()).isFalse();
        few.add(29, 290);
        assertThat(few.significant()).isTrue();
    }

    private static Tally second(long latencyMicros) {
        Tally t = new Tally();
        for (int i = 0; i < 100; i++) {
            t.latency.recordValue(latencyMicros);
        }
        return t;
    }

    @Test
    void spikeRecoveryIsTheStartOfTheFirstGoodWindowAfterTheSpike() {
        SpikeRecovery s = new SpikeRecovery(10, 15);
        for (int i = 0; i < 10; i++) {
            s.onInterval(second(10_000), i, i + 1);
        }
        for (int i = 10; i < 15; i++) {
            s.onInterval(second(900_000), i, i + 1);
        }
        // Still slow for 4 s after the spike, then back to baseline from 19 s on.
        for (int i = 15; i < 19; i++) {
            s.onInterval(second(400_000), i, i + 1);
        }
        for (int i = 19; i < 30; i++) {
            s.onInterval(second(10_500), i, i + 1);
        }
        assertThat(s.baselineP99Micros()).isCloseTo(10_000, within(10.0));
        assertThat(s.spikeP99Micros()).isCloseTo(900_000, within(1_000.0));
        assertThat(s.recoverySeconds()).isEqualTo(4);

        SpikeRecovery never = new SpikeRecovery(2, 3);
        never.onInterval(second(1_000), 0, 1);
        never.onInterval(second(1_000), 1, 2);
        for (int i = 2; i < 10; i++) {
            never.onInterval(second(50_000), i, i + 1);
        }
        assertThat(never.recoverySeconds()).isNaN();
    }
}
