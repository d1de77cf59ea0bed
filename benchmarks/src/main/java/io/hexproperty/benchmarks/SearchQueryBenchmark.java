package io.hexproperty.benchmarks;

import io.hexproperty.testing.ZipfSampler;
import io.hexproperty.domain.BoundingBox;
import io.hexproperty.domain.PropertyType;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.SearchSort;
import io.hexproperty.domain.StandardStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Turning a search's query parameters into a validated {@link SearchQuery} and its canonical form (the
 * cache key and cursor binding), per request. The HTTP adapter's parser ({@code SearchParameters}) is
 * package-private and takes a Vert.x {@code MultiMap}, so this benchmark applies the same string values
 * to the public domain builder with the domain's own parsers ({@code StandardStatus.parse},
 * {@code SearchSort.parse}, ...) and {@code Long.parseLong}: the domain share of the work, without the
 * adapter's unknown/repeated-parameter checks and H3 validation.
 *
 * <p>2,000 distinct parameter sets (city+state, price bands, beds, postal code, bbox, text, sorts, limits,
 * in the mix a search page sends) are requested with Zipf popularity (s = 0.99).
 *
 * <pre>
 * export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
 * ./mvnw -q -o -pl benchmarks -am package -DskipTests
 * $JAVA_HOME/bin/java -jar benchmarks/target/benchmarks.jar SearchQueryBenchmark -wi 3 -w 1s -i 5 -r 1s -f 3
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class SearchQueryBenchmark {
    private static final int SETS = 2_000;
    private static final int TRACE = 1 << 16;
    private static final String[][] CITIES = {{"Houston", "TX"}, {"New York", "NY"}, {"Los Angeles", "CA"},
            {"Chicago", "IL"}, {"Phoenix", "AZ"}, {"austin", "tx"}, {"San Antonio", "TX"}, {"Seattle", "WA"},
            {"Denver", "CO"}, {"Miami", "FL"}, {"Boise", "ID"}, {"Portland", "OR"}};

    private String[][][] parameterSets;
    private SearchQuery[] built;
    private int[] trace;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom r = new SplittableRandom(42);
        parameterSets = new String[SETS][][];
        built = new SearchQuery[SETS];
        for (int i = 0; i < SETS; i++) {
            parameterSets[i] = parameters(r);
            built[i] = parse(parameterSets[i]);
        }
        trace = ZipfSampler.of(SETS, ZipfSampler.DEFAULT_SKEW, 7).trace(TRACE);
    }

    /** String parameters to builder, build (validation), canonical form: what every search request pays. */
    @Benchmark
    public String parseBuildCanonical() {
        return parse(parameterSets[trace[next++ & (TRACE - 1)]]).canonical();
    }

    /** The canonical form alone, of an already built query: its share of the above. */
    @Benchmark
    public String canonicalOnly() {
        return built[trace[next++ & (TRACE - 1)]].canonical();
    }

    static SearchQuery parse(String[][] parameters) {
        SearchQuery.Builder b = SearchQuery.builder();
        for (String[] p : parameters) {
            String value = p[1];
            switch (p[0]) {
                case "city" -> b.city(value);
                case "state" -> b.state(value);
                case "postalCode" -> b.postalCode(value);
                case "status" -> b.status(StandardStatus.parse("status", value));
                case "type" -> b.type(PropertyType.parse("type", value));
                case "minPrice" -> b.minPrice(Long.parseLong(value));
                case "maxPrice" -> b.maxPrice(Long.parseLong(value));
                case "minBeds" -> b.minBeds(Integer.parseInt(value));
                case "minBaths" -> b.minBaths(Integer.parseInt(value));
                case "minArea" -> b.minArea(Integer.parseInt(value));
                case "bbox" -> b.bbox(bbox(value));
                case "q" -> b.text(value);
                case "sort" -> b.sort(SearchSort.parse(value));
                case "limit" -> b.limit(Integer.parseInt(value));
                default -> throw new IllegalArgumentException("unknown parameter " + p[0]);
            }
        }
        return b.build();
    }

    private static BoundingBox bbox(String value) {
        String[] parts = value.split(",", -1);
        return new BoundingBox(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]),
                Double.parseDouble(parts[2]), Double.parseDouble(parts[3]));
    }

    /** One realistic parameter set: a location filter, then the refinements a search page adds. */
    private static String[][] parameters(SplittableRandom r) {
        List<String[]> p = new ArrayList<>();
        String[] city = CITIES[r.nextInt(CITIES.length)];
        switch (r.nextInt(10)) {
            case 0, 1, 2, 3, 4, 5 -> {
                p.add(new String[] {"city", city[0]});
                p.add(new String[] {"state", city[1]});
            }
            case 6 -> p.add(new String[] {"postalCode", String.valueOf(10_000 + r.nextInt(89_999))});
            case 7, 8 -> {
                double lon = -120 + r.nextDouble() * 45;
                double lat = 26 + r.nextDouble() * 20;
                p.add(new String[] {"bbox", String.format("%.4f,%.4f,%.4f,%.4f", lon, lat, lon + 0.2, lat + 0.15)});
            }
            default -> p.add(new String[] {"state", city[1]});
        }
        if (r.nextInt(2) == 0) {
            long min = 100_000L * (1 + r.nextInt(8));
            p.add(new String[] {"minPrice", String.valueOf(min)});
            p.add(new String[] {"maxPrice", String.valueOf(min + 100_000L * (1 + r.nextInt(5)))});
        }
        if (r.nextInt(3) == 0) {
            p.add(new String[] {"minBeds", String.valueOf(1 + r.nextInt(5))});
        }
        if (r.nextInt(5) == 0) {
            p.add(new String[] {"minBaths", String.valueOf(1 + r.nextInt(3))});
        }
        if (r.nextInt(4) == 0) {
            p.add(new String[] {"status", "Active"});
        }
        if (r.nextInt(6) == 0) {
            p.add(new String[] {"type", r.nextBoolean() ? "Residential" : "ResidentialLease"});
        }
        if (r.nextInt(8) == 0) {
            p.add(new String[] {"q", r.nextBoolean() ? "pool garage" : "Hardwood floors"});
        }
        if (r.nextInt(3) == 0) {
            p.add(new String[] {"sort", r.nextBoolean() ? "price_asc" : "price_desc"});
        }
        if (r.nextInt(4) == 0) {
            p.add(new String[] {"limit", String.valueOf(r.nextBoolean() ? 50 : 10)});
        }
        return p.toArray(String[][]::new);
    }
}
