package io.hexproperty.balancer.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.balancer.health.OutlierDetector.Outcome;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The pure health policies, driven by a hand-advanced ticker. */
@Tag("unit")
class HealthPolicyTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void riseAndFallNeedConsecutiveResults() {
        HealthStatus h = new HealthStatus(2, 3);
        assertThat(h.state()).isEqualTo(HealthStatus.State.UNKNOWN);
        assertThat(h.record(1, true, "ok")).isTrue();
        assertThat(h.state()).isEqualTo(HealthStatus.State.UP); // the first pass brings a new worker up
        h.record(2, false, "refused");
        h.record(3, false, "refused");
        h.record(4, true, "ok"); // a pass in between resets the fall count
        h.record(5, false, "refused");
        h.record(6, false, "refused");
        assertThat(h.state()).isEqualTo(HealthStatus.State.UP);
        assertThat(h.record(7, false, "refused")).isTrue();
        assertThat(h.state()).isEqualTo(HealthStatus.State.DOWN);
        h.record(8, true, "ok");
        assertThat(h.state()).isEqualTo(HealthStatus.State.DOWN);
        h.record(9, true, "ok");
        assertThat(h.state()).isEqualTo(HealthStatus.State.UP);
        for (int i = 0; i < 20; i++) {
            h.record(10 + i, true, "ok");
        }
        assertThat(h.history()).hasSize(HealthStatus.HISTORY).last().extracting(HealthStatus.Probe::atEpochMillis).isEqualTo(29L);
    }

    @Test
    void aRefusedConnectionEjectsAtOnceATimeoutWaitsForTheThreshold() {
        AtomicLong now = new AtomicLong();
        OutlierConfig config = new OutlierConfig(5, 3, Duration.ofSeconds(2), Duration.ofSeconds(60), 50, 50);
        OutlierDetector timeouts = new OutlierDetector(config, now::get);
        assertThat(timeouts.record(Outcome.LOCAL_FAILURE)).isFalse();
        assertThat(timeouts.record(Outcome.LOCAL_FAILURE)).isFalse();
        assertThat(timeouts.record(Outcome.LOCAL_FAILURE)).isTrue();
        OutlierDetector refused = new OutlierDetector(config, now::get);
        assertThat(refused.record(Outcome.UNREACHABLE)).isTrue();
        refused.eject();
        assertThat(refused.isEjected()).isTrue();
        now.addAndGet(2 * SECOND);
        assertThat(refused.isEjected()).isFalse();
        assertThat(refused.record(Outcome.SUCCESS)).isFalse(); // back and answering: the count starts over
        assertThat(refused.record(Outcome.LOCAL_FAILURE)).isFalse();
    }

    @Test
    void ejectionBacksOffExponentiallyAndIsForgottenAfterAQuietPeriod() {
        AtomicLong now = new AtomicLong();
        OutlierConfig config = new OutlierConfig(5, 2, Duration.ofSeconds(2), Duration.ofSeconds(60), 50, 50);
        OutlierDetector d = new OutlierDetector(config, now::get);
        assertThat(d.record(Outcome.LOCAL_FAILURE)).isFalse();
        assertThat(d.record(Outcome.LOCAL_FAILURE)).isTrue();
        assertThat(d.eject()).isEqualTo(2 * SECOND);
        assertThat(d.isEjected()).isTrue();
        now.addAndGet(2 * SECOND);
        assertThat(d.isEjected()).isFalse();
        d.record(Outcome.LOCAL_FAILURE);
        d.record(Outcome.LOCAL_FAILURE);
        assertThat(d.eject()).isEqualTo(4 * SECOND);
        now.addAndGet(4 * SECOND);
        assertThat(d.isEjected()).isFalse();
        for (int i = 0; i < 4; i++) {
            d.record(Outcome.LOCAL_FAILURE);
            d.record(Outcome.LOCAL_FAILURE);
            d.eject();
            now.addAndGet(60 * SECOND);
            assertThat(d.isEjected()).isFalse();
        }
        d.record(Outcome.LOCAL_FAILURE);
        d.record(Outcome.LOCAL_FAILURE);
        assertThat(d.eject()).isEqualTo(60 * SECOND); // capped
        now.addAndGet(60 * SECOND);
        d.isEjected();
        now.addAndGet(61 * SECOND); // in service longer than maxEjection: the multiplier is forgotten
        d.record(Outcome.LOCAL_FAILURE);
        d.record(Outcome.LOCAL_FAILURE);
        assertThat(d.eject()).isEqualTo(2 * SECOND);
        assertThat(d.ejections()).isEqualTo(8);
    }

    @Test
    void serverErrorsNeedTheirOwnStreakAndASuccessResetsIt() {
        OutlierDetector d = new OutlierDetector(OutlierConfig.defaults(), () -> 0);
        for (int i = 0; i < 4; i++) {
            assertThat(d.record(Outcome.SERVER_ERROR)).isFalse();
        }
        d.record(Outcome.SUCCESS);
        for (int i = 0; i < 4; i++) {
            assertThat(d.record(Outcome.SERVER_ERROR)).isFalse();
        }
        assertThat(d.record(Outcome.SERVER_ERROR)).isTrue();
    }

    @Test
    void maxEjectedPercentAlwaysAllowsOneAndNeverMoreThanTheShare() {
        OutlierConfig c = OutlierConfig.defaults(); // 50%
        assertThat(OutlierDetector.mayEject(c, 0, 1)).isTrue();
        assertThat(OutlierDetector.mayEject(c, 1, 3)).isFalse();
        assertThat(OutlierDetector.mayEject(c, 1, 4)).isTrue();
        assertThat(OutlierDetector.mayEject(c, 2, 4)).isFalse();
        OutlierConfig none = new OutlierConfig(5, 2, Duration.ofSeconds(1), Duration.ofSeconds(1), 0, 50);
        assertThat(OutlierDetector.mayEject(none, 0, 10)).isFalse();
    }

    @Test
    void slowStartRampsLinearlyFromTheFloor() {
        SlowStartConfig s = new SlowStartConfig(Duration.ofSeconds(10), 10);
        assertThat(s.factor(0)).isEqualTo(0.1);
        assertThat(s.factor(5 * SECOND)).isEqualTo(0.5);
        assertThat(s.factor(20 * SECOND)).isEqualTo(1.0);
        assertThat(s.factor(-1)).isEqualTo(1.0);
        assertThat(new SlowStartConfig(Duration.ZERO, 10).factor(0)).isEqualTo(1.0);
    }

    @Test
    void retryBudgetNeverExceedsItsRatioPlusTheFloor() {
        AtomicLong now = new AtomicLong();
        RetryBudget budget = new RetryBudget(0.2, 5, now::get);
        SplittableRandom rnd = new SplittableRandom(1);
        long requests = 0;
        long retries = 0;
        for (int i = 0; i < 100_000; i++) {
            now.addAndGet(1_000_000); // 1000 requests per second
            budget.deposit();
            requests++;
            if (rnd.nextDouble() < 0.5 && budget.tryWithdraw()) { // half of all requests fail and want a retry
                retries++;
            }
        }
        double seconds = now.get() / 1e9;
        assertThat((double) retries).isLessThanOrEqualTo(0.2 * requests + 5 * seconds + 5 + 20);
        assertThat((double) retries).isGreaterThan(0.2 * requests * 0.9); // and it is actually spent
    }

    @Test
    void configsRejectNonsenseNamingTheSetting() {
        assertThatThrownBy(() -> new HealthCheckConfig(Duration.ZERO, Duration.ofSeconds(1), 1, 1)).hasMessageContaining("interval");
        assertThatThrownBy(() -> new OutlierConfig(0, 1, Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1)).hasMessageContaining("threshold");
        assertThatThrownBy(() -> new SlowStartConfig(Duration.ofSeconds(1), 0)).hasMessageContaining("minWeightPercent");
    }
}
