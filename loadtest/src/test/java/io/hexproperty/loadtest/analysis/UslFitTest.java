package io.hexproperty.loadtest.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hexproperty.testing.lane.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

@Unit
class UslFitTest {

    private static List<UslFit.Point> synthetic(UslModel truth, double noise, long seed) {
        Random r = new Random(seed);
        List<UslFit.Point> pts = new ArrayList<>();
        for (int n = 1; n <= 64; n += (n < 8 ? 1 : 4)) {
            pts.add(new UslFit.Point(n, truth.throughput(n) * (1 + noise * r.nextGaussian())));
        }
        return pts;
    }

    @Test
    void recoversKnownParametersFromExactData() {
        UslModel truth = new UslModel(0.05, 0.002, 1000);
        UslFit fit = UslFit.fit(synthetic(truth, 0, 1));
        assertThat(fit.model().sigma()).isCloseTo(0.05, within(1e-3));
        assertThat(fit.model().kappa()).isCloseTo(0.002, within(1e-4));
        assertThat(fit.model().lambda()).isCloseTo(1000, within(1.0));
        assertThat(fit.r2()).isGreaterThan(0.9999);
        assertThat(fit.model().peakConcurrency()).isCloseTo(Math.sqrt(0.95 / 0.002), within(0.5));
    }

    @Test
    void recoversKnownParametersThroughNoise() {
        UslModel truth = new UslModel(0.08, 0.0005, 500);
        UslFit fit = UslFit.fit(synthetic(truth, 0.01, 7));
        assertThat(fit.model().sigma()).isCloseTo(0.08, within(0.02));
        assertThat(fit.model().kappa()).isCloseTo(0.0005, within(0.0002));
        assertThat(fit.model().lambda()).isCloseTo(500, within(15.0));
        assertThat(fit.mape()).isLessThan(0.02);
        assertThat(fit.model().peakThroughput()).isCloseTo(truth.peakThroughput(), within(truth.peakThroughput() * 0.05));
    }

    @Test
    void linearScalingHasNoPeak() {
        UslModel truth = new UslModel(0, 0, 100);
        UslFit fit = UslFit.fit(synthetic(truth, 0, 1));
        assertThat(fit.model().sigma()).isCloseTo(0, within(1e-3));
        assertThat(fit.model().kappa()).isCloseTo(0, within(1e-6));
        assertThat(new UslModel(0, 0, 100).peakConcurrency()).isInfinite();
    }

    @Test
    void needsEnoughPoints() {
        assertThatThrownBy(() -> UslFit.fit(List.of(new UslFit.Point(1, 10), new UslFit.Point(2, 19))))
                .hasMessageContaining("at least 3 points");
    }
}
