package io.hexproperty.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hexproperty.testing.lane.Unit;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

@Unit
class ZipfSamplerTest {

    @Test
    void mostPopularRanksAreDrawnWithZipfFrequencies() {
        ZipfSampler zipf = ZipfSampler.of(100_000, 0.99, 1);
        int[] trace = zipf.trace(2_000_000);
        int[] counts = new int[100_000];
        for (int i : trace) {
            counts[i]++;
        }
        for (int rank = 0; rank < 5; rank++) {
            double expected = zipf.topMass(rank + 1) - zipf.topMass(rank);
            assertThat(counts[zipf.indexOfRank(rank)] / 2_000_000.0).isCloseTo(expected, within(expected * 0.05));
        }
        // rank 1 is about twice as popular as rank 2 (1 / 2^0.99)
        assertThat((double) counts[zipf.indexOfRank(0)] / counts[zipf.indexOfRank(1)]).isCloseTo(1.99, within(0.1));
    }

    @Test
    void topMassIsTheHitRatioOfAnIdealCache() {
        ZipfSampler zipf = ZipfSampler.of(100_000, 0.99, 1);
        assertThat(zipf.topMass(0)).isZero();
        assertThat(zipf.topMass(100_000)).isEqualTo(1.0);
        assertThat(zipf.topMass(1_000)).isBetween(0.55, 0.65); // H(1000) / H(100000) for s close to 1
    }

    @Test
    void ranksAreShuffledOntoEveryIndexOnce() {
        ZipfSampler zipf = ZipfSampler.of(1_000, 0.99, 7);
        int[] indexes = new int[1_000];
        for (int rank = 0; rank < 1_000; rank++) {
            indexes[rank] = zipf.indexOfRank(rank);
        }
        assertThat(indexes).isNotEqualTo(sortedCopy(indexes)); // popular keys are not the low ids
        assertThat(sortedCopy(indexes)).containsExactly(java.util.stream.IntStream.range(0, 1_000).toArray());
    }

    @Test
    void sameSeedSameTrace() {
        assertThat(ZipfSampler.of(5_000, 0.99, 3).trace(1_000)).containsExactly(ZipfSampler.of(5_000, 0.99, 3).trace(1_000));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> ZipfSampler.of(0, 0.99, 1)).hasMessageContaining("n must be >= 1, was 0");
        assertThatThrownBy(() -> ZipfSampler.of(10, 0, 1)).hasMessageContaining("skew s must be");
        assertThatThrownBy(() -> ZipfSampler.of(10, Double.NaN, 1)).hasMessageContaining("skew s must be");
    }

    private static int[] sortedCopy(int[] a) {
        int[] copy = a.clone();
        Arrays.sort(copy);
        return copy;
    }
}
