package io.hexproperty.balancer.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Holt-Winters on a seasonal series, and the HPA model's sync period, tolerance, unready pods and stabilization. */
@Tag("unit")
class ForecastAndHpaTest {
    private static final Instant T0 = Trace.MONDAY;

    private static double shape(long second, int season) {
        return 200 + 150 * Math.sin(2 * Math.PI * (second % season) / season);
    }

    @Test
    void holtWintersLearnsTheSeasonAndForecastsAheadWithinFivePercent() {
        int season = 1200;
        Forecaster f = Forecaster.holtWinters(ForecastConfig.daily().withSeason(Duration.ofSeconds(season), 48));
        assertThat(f.forecast(T0)).isNaN();
        for (long s = 0; s < 3L * season; s++) {
            f.observe(T0.plusSeconds(s), shape(s, season));
        }
        assertThat(((HoltWinters) f).seasonal()).isTrue();
        double worst = 0;
        for (long ahead = 10; ahead <= 300; ahead += 10) {
            long at = 3L * season + ahead;
            worst = Math.max(worst, Math.abs(f.forecast(T0.plusSeconds(at)) - shape(at, season)) / 200);
        }
        assertThat(worst).isLessThan(0.05);
    }

    @Test
    void beforeOneSeasonItFollowsTheTrend() {
        Forecaster f = Forecaster.holtWinters(ForecastConfig.daily().withSeason(Duration.ofSeconds(1000), 50));
        for (long s = 0; s < 400; s++) {
            f.observe(T0.plusSeconds(s), 100 + s);
        }
        double now = f.forecast(T0.plusSeconds(400));
        double later = f.forecast(T0.plusSeconds(500));
        assertThat(later).isGreaterThan(now);
        assertThat(now).isBetween(350.0, 550.0);
    }

    private static MetricSample cpu(long t, double cpu, int current, int ready) {
        return new MetricSample(T0.plusSeconds(t), 0, 0, cpu, 0, 0, 0, current, ready);
    }

    @Test
    void hpaActsOncePerSyncPeriodOnLaggedCpu() {
        ScalingPolicy hpa = ScalingPolicy.hpa(HpaConfig.defaults().withReplicas(1, 20));
        MetricWindow w = new MetricWindow(Duration.ofMinutes(10));
        int replicas = 4;
        long firstChange = -1;
        for (long t = 0; t <= 45; t++) {
            w.add(cpu(t, t < 30 ? 0.7 : 1.0, replicas, replicas));
            Decision d = hpa.decide(w);
            if (d.desired() != replicas && firstChange < 0) {
                firstChange = t;
            }
            replicas = d.desired();
        }
        // the jump at 30 s is first seen at the sync of 45 s, through the metric of (20 s, 35 s]: 10 s at 0.7, 6 s at 1.0
        assertThat(firstChange).isEqualTo(45);
        assertThat(replicas).isEqualTo(5); // ceil(4 x 0.8125 / 0.7)
    }

    @Test
    void hpaIgnoresChangesWithinTolerance() {
        ScalingPolicy hpa = ScalingPolicy.hpa(HpaConfig.defaults());
        MetricWindow w = new MetricWindow(Duration.ofMinutes(10));
        for (long t = 0; t < 120; t++) {
            w.add(cpu(t, 0.76, 4, 4)); // 8.6% above target
            assertThat(hpa.decide(w).desired()).isEqualTo(4);
        }
    }

    @Test
    void hpaCountsUnreadyPodsAtZeroWhenScalingUp() {
        ScalingPolicy hpa = ScalingPolicy.hpa(HpaConfig.defaults().withReplicas(1, 20));
        MetricWindow w = new MetricWindow(Duration.ofMinutes(10));
        // 4 ready pods at 100% plus 4 starting: 4 / (8 x 0.7) = 0.71, no further scale-up
        for (long t = 0; t <= 30; t++) {
            w.add(cpu(t, 1.0, 8, 4));
        }
        assertThat(hpa.decide(w).desired()).isEqualTo(8);
    }

    @Test
    void hpaScalesDownOnlyAfterFiveMinutesOfLowerRecommendations() {
        ScalingPolicy hpa = ScalingPolicy.hpa(HpaConfig.defaults().withReplicas(1, 20));
        MetricWindow w = new MetricWindow(Duration.ofMinutes(10));
        int replicas = 8;
        long firstDown = -1;
        for (long t = 0; t < 700; t++) {
            w.add(cpu(t, t < 60 ? 0.7 : Math.min(1, 1.6 / replicas), replicas, replicas)); // 1.6 cores of work after 60 s
            Decision d = hpa.decide(w);
            if (d.desired() < replicas && firstDown < 0) {
                firstDown = t;
            }
            replicas = d.desired();
        }
        assertThat(firstDown).isGreaterThanOrEqualTo(300);
        assertThat(replicas).isEqualTo(3); // ceil(1.6 / 0.7)
    }
}
