package io.hexproperty.seed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The US places of GeoNames cities1000 (population >= 1000), sampled in proportion to population
 * so big metros dominate and small towns form the long tail.
 *
 * <p>GeoNames lists New York City both as a whole and as its five boroughs; the aggregate row is
 * dropped (it would double the city's weight) and the boroughs get the names the postal service
 * uses, so Manhattan listings are in "New York, NY" as a buyer would search them.
 */
final class Places {
    static final String RESOURCE = "/data/us-places.csv.gz";

    private static final long NEW_YORK_CITY_AGGREGATE = 5128581L;
    private static final Map<String, String> RENAMES = Map.of(
            "Manhattan|NY", "New York",
            "The Bronx|NY", "Bronx",
            "Washington, D.C.|DC", "Washington",
            "New Century, KS|KS", "New Century");

    private final Place[] places;
    private final double[] cumulativePopulation;

    private Places(List<Place> list) {
        this.places = list.toArray(Place[]::new);
        this.cumulativePopulation = new double[places.length];
        double sum = 0;
        for (int i = 0; i < places.length; i++) {
            sum += places[i].population();
            cumulativePopulation[i] = sum;
        }
    }

    static Places load() {
        try (InputStream raw = Places.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("reference data " + RESOURCE + " is missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(new GZIPInputStream(raw, 1 << 16), StandardCharsets.UTF_8));
            List<Place> list = new ArrayList<>(17_000);
            String header = reader.readLine();
            if (!"geonames_id,name,state,latitude,longitude,population".equals(header)) {
                throw new IllegalStateException("unexpected header in " + RESOURCE + ": " + header);
            }
            int lineNumber = 1;
            for (String line; (line = reader.readLine()) != null; ) {
                lineNumber++;
                List<String> f = CsvLine.split(line);
                if (f.size() != 6) {
                    throw new IllegalStateException(RESOURCE + " line " + lineNumber + " has " + f.size()
                            + " fields, expected 6: " + line);
                }
                long id = Long.parseLong(f.get(0));
                if (id == NEW_YORK_CITY_AGGREGATE) {
                    continue;
                }
                String state = f.get(2);
                String name = RENAMES.getOrDefault(f.get(1) + "|" + state, f.get(1));
                list.add(new Place(id, name, state, Double.parseDouble(f.get(3)), Double.parseDouble(f.get(4)),
                        Integer.parseInt(f.get(5))));
            }
            return new Places(list);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** Index of a place picked with probability proportional to its population; {@code u} is uniform in [0, 1). */
    int pick(double u) {
        double target = u * cumulativePopulation[cumulativePopulation.length - 1];
        int lo = 0;
        int hi = cumulativePopulation.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulativePopulation[mid] > target) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    int size() {
        return places.length;
    }

    Place get(int i) {
        return places[i];
    }

    long totalPopulation() {
        return (long) cumulativePopulation[cumulativePopulation.length - 1];
    }
}
