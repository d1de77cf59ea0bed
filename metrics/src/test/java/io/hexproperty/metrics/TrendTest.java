package io.hexproperty.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TrendTest {
    @Test
    void aSteadyClimbUnderNoiseIsSignificant() {
        Trend trend = new Trend(600);
        Random random = new Random(1);
        for (int i = 0; i < 600; i++) {
            trend.add(i * 2.0, 100e6 + 1000 * i * 2.0 + random.nextGaussian() * 50_000); // +1 kB/s plus noise
        }
        Trend.Fit fit = trend.fit();
        assertThat(fit.slopePerSecond()).isCloseTo(1000, within(100.0));
        assertThat(fit.significant()).isTrue();
    }

    @Test
    void noiseAroundAFlatLineIsNot() {
        Trend trend = new Trend(600);
        Random random = new Random(2);
        for (int i = 0; i < 600; i++) {
            trend.add(i * 2.0, 100e6 + random.nextGaussian() * 50_000);
        }
        assertThat(trend.fit().significant()).isFalse();
    }

    @Test
    void tooFewSamplesAreNeverSignificant() {
        Trend trend = new Trend(100);
        for (int i = 0; i < 10; i++) {
            trend.add(i, i * 10.0);
        }
        assertThat(trend.fit().significant()).isFalse();
        assertThat(trend.fit().slopePerSecond()).isCloseTo(10, within(1e-9));
    }

    @Test
    void onlyTheLastCapacitySamplesCount() {
        Trend trend = new Trend(30);
        for (int i = 0; i < 100; i++) {
            trend.add(i, i < 70 ? i : 70); // climbs, then flat for the last 30
        }
        assertThat(trend.fit().slopePerSecond()).isCloseTo(0, within(1e-9));
    }
}
