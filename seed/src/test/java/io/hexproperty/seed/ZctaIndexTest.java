package io.hexproperty.seed;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

@Unit
class ZctaIndexTest {
    private final ZctaIndex index = ZctaIndex.load();

    @Test
    void gridSearchAgreesWithBruteForce() {
        SplittableRandom rnd = new SplittableRandom(7);
        Places places = Places.load();
        for (int n = 0; n < 2_000; n++) {
            double lat;
            double lon;
            if (n % 2 == 0) {
                // Anywhere in the grid, including the sea and Alaska, where the rings grow large.
                lat = 18 + rnd.nextDouble() * 53;
                lon = -179 + rnd.nextDouble() * 113;
            } else {
                Place p = places.get(rnd.nextInt(places.size()));
                lat = p.latitude() + rnd.nextGaussian() * 0.1;
                lon = p.longitude() + rnd.nextGaussian() * 0.1;
            }
            assertThat(index.nearestDistanceKm(lat, lon)).as("nearest to %s,%s", lat, lon)
                    .isCloseTo(bruteForceKm(lat, lon), org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void knownPlacesGetTheirZipCodes() {
        assertThat(index.nearestZip(29.7604, -95.3698)).startsWith("770"); // downtown Houston
        assertThat(index.nearestZip(40.7484, -73.9857)).startsWith("10"); // Midtown Manhattan
        assertThat(index.nearestZip(21.3069, -157.8583)).startsWith("968"); // Honolulu
        assertThat(index.size()).isGreaterThan(33_000);
    }

    private double bruteForceKm(double lat, double lon) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < index.size(); i++) {
            best = Math.min(best, index.distanceKm(i, lat, lon));
        }
        return best;
    }
}
