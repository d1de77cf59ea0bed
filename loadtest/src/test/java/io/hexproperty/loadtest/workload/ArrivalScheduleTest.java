package io.hexproperty.loadtest.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.loadtest.workload.ArrivalSchedule.Stage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@Unit
class ArrivalScheduleTest {

    @Test
    void constantRateStartsEvenlyFromZero() {
        ArrivalSchedule s = ArrivalSchedule.constant(100, Duration.ofSeconds(2));
        assertThat(s.intendedStartNanos(0)).isZero();
        assertThat(s.intendedStartNanos(1)).isEqualTo(10_000_000);
        assertThat(s.intendedStartNanos(150)).isEqualTo(1_500_000_000);
        assertThat(s.intendedStartNanos(199)).isEqualTo(1_990_000_000);
        assertThat(s.intendedStartNanos(200)).isEqualTo(ArrivalSchedule.END);
        assertThat(s.totalStarts()).isEqualTo(200);
    }

    @Test
    void linearRampFollowsTheIntegralOfTheRate() {
        // 0 -> 100/s over 10 s: c(t) = 5 t^2, so the n-th start is at sqrt(n / 5).
        ArrivalSchedule s = ArrivalSchedule.ramping(0, List.of(new Stage(Duration.ofSeconds(10), 100)));
        for (long n : new long[] {1, 5, 20, 80, 245, 499}) {
            assertThat(s.intendedStartNanos(n) / 1e9).as("start %d", n).isCloseTo(Math.sqrt(n / 5.0), within(1e-6));
        }
        assertThat(s.totalStarts()).isEqualTo(500);
        assertThat(s.rateAt(Duration.ofSeconds(5))).isCloseTo(50, within(1e-9));
    }

    @Test
    void stagesChainAndRampDownInvertsExactly() {
        // 10/s for 2 s (20 starts), ramp 10 -> 30 over 2 s (40), ramp 30 -> 0 over 3 s (45).
        ArrivalSchedule s = ArrivalSchedule.ramping(10, List.of(
                new Stage(Duration.ofSeconds(2), 10), new Stage(Duration.ofSeconds(2), 30), new Stage(Duration.ofSeconds(3), 0)));
        assertThat(s.totalStarts()).isEqualTo(105);
        assertThat(s.intendedStartNanos(20)).isEqualTo(2_000_000_000);
        assertThat(s.intendedStartNanos(60)).isEqualTo(4_000_000_000L);
        // In the ramp-down c(x) = 30x - 5x^2; c = 25 at x = 1.
        assertThat(s.intendedStartNanos(85)).isEqualTo(5_000_000_000L);
        assertThat(s.intendedBetween(0, 7)).isCloseTo(105, within(1e-9));
        long previous = -1;
        for (long n = 0; n < s.totalStarts(); n++) {
            long t = s.intendedStartNanos(n);
            assertThat(t).isGreaterThan(previous).isLessThanOrEqualTo(7_000_000_000L);
            previous = t;
        }
    }

    @Test
    void idleStagesAreSkippedNotStalledIn() {
        ArrivalSchedule s = ArrivalSchedule.ramping(0, List.of(
                new Stage(Duration.ofSeconds(3), 0), new Stage(Duration.ofSeconds(1), 0), new Stage(Duration.ofSeconds(1), 0),
                new Stage(Duration.ofSeconds(1), 20)));
        // Ramp 0 -> 20 over the last second: c(x) = 10 x^2 -> first start at 5 s, second at 5 + sqrt(0.1).
        assertThat(s.intendedStartNanos(0)).isEqualTo(5_000_000_000L);
        assertThat(s.intendedStartNanos(1) / 1e9).isCloseTo(5 + Math.sqrt(0.1), within(1e-6));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> ArrivalSchedule.constant(-1, Duration.ofSeconds(1))).hasMessageContaining("-1");
        assertThatThrownBy(() -> new Stage(Duration.ZERO, 1)).hasMessageContaining("positive");
        assertThatThrownBy(() -> ArrivalSchedule.ramping(1, List.of())).hasMessageContaining("at least one stage");
    }

    @Test
    void profilesHaveTheK6Shapes() {
        Profile.Plan smoke = Profile.SMOKE.plan(500, null, 5, 0, 0);
        assertThat(smoke.schedule().rateAt(Duration.ofSeconds(10))).isEqualTo(Profile.SMOKE_MAX_RATE);
        assertThat(smoke.schedule().duration()).isEqualTo(Duration.ofSeconds(30));

        Profile.Plan load = Profile.LOAD.plan(100, Duration.ofSeconds(100), 5, 0, 0);
        assertThat(load.schedule().rateAt(Duration.ofSeconds(10))).isCloseTo(50, within(1e-9));
        assertThat(load.schedule().rateAt(Duration.ofSeconds(50))).isCloseTo(100, within(1e-9));

        Profile.Plan stress = Profile.STRESS.plan(100, Duration.ofSeconds(100), 5, 0, 0);
        assertThat(stress.schedule().rateAt(Duration.ofSeconds(20))).isCloseTo(150, within(1e-9));
        assertThat(stress.schedule().rateAt(Duration.ofSeconds(70))).isCloseTo(200, within(1e-9));

        Profile.Plan spike = Profile.SPIKE.plan(100, Duration.ofSeconds(60), 8, 0, 0);
        Profile.Phase s = spike.phase("spike");
        assertThat(spike.schedule().rateAt(Duration.ofSeconds(5))).isCloseTo(100, within(1e-9));
        assertThat(spike.schedule().rateAt(seconds(s.start() + 2))).isCloseTo(800, within(1e-9));
        assertThat(spike.schedule().rateAt(seconds(s.end() + 1))).isCloseTo(100, within(1e-9));

        Profile.Plan step = Profile.STEP.plan(50, Duration.ofSeconds(100), 4, 0, 0);
        Profile.Phase top = step.phase("step");
        assertThat(step.stopOnBreach()).isFalse();
        assertThat(step.schedule().rateAt(Duration.ofSeconds(10))).isCloseTo(50, within(1e-9));
        assertThat(step.schedule().rateAt(seconds(top.start() + 2))).isCloseTo(200, within(1e-9));
        assertThat(step.schedule().rateAt(seconds(top.end() - 1))).isCloseTo(200, within(1e-9));
        assertThat(step.schedule().rateAt(seconds(top.end() + 1))).isCloseTo(50, within(1e-9));
        assertThat(top.end() - top.start()).isGreaterThan(40);
        assertThat(step.phase("after").end()).isCloseTo(100, within(1e-9));
        assertThatThrownBy(() -> Profile.STEP.plan(50, Duration.ofSeconds(100), 1, 0, 0))
                .hasMessageContaining("step factor");

        Profile.Plan stepped = Profile.BREAKPOINT.plan(100, Duration.ofSeconds(40), 5, 400, 4);
        assertThat(stepped.stopOnBreach()).isTrue();
        assertThat(stepped.phases()).hasSize(4);
        assertThat(stepped.schedule().rateAt(Duration.ofSeconds(35))).isCloseTo(400, within(1e-9));
        assertThat(stepped.schedule().rateAt(Duration.ofSeconds(15))).isCloseTo(200, within(1e-9));
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
