package io.hexproperty.benchmarks;

import io.hexproperty.testing.ZipfSampler;
import io.hexproperty.domain.Listing;
import io.hexproperty.http.ListingJsonAccess;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
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
 * Encoding one listing to JSON bytes: the HTTP adapter's hand-written {@code ListingJson.encode(Listing)}
 * against Vert.x's {@code JsonObject} (Jackson underneath) filled with the same fields in the same order.
 * Listings are drawn with Zipf popularity (s = 0.99) from 10,000 generated ones, as the listing detail
 * endpoint sees them. Setup checks that both encoders produce the same JSON document, so the two
 * methods measure the same work.
 *
 * <pre>
 * export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
 * ./mvnw -q -o -pl benchmarks -am package -DskipTests
 * $JAVA_HOME/bin/java -jar benchmarks/target/benchmarks.jar ListingJsonBenchmark -wi 3 -w 1s -i 5 -r 1s -f 3
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class ListingJsonBenchmark {
    private static final int LISTINGS = 10_000;
    private static final int TRACE = 1 << 16;

    private Listing[] listings;
    private int[] trace;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        listings = ListingFixture.generate(LISTINGS, 42);
        trace = ZipfSampler.of(LISTINGS, ZipfSampler.DEFAULT_SKEW, 7).trace(TRACE);
        for (Listing l : listings) {
            JsonObject ours = new JsonObject(ListingJsonAccess.encode(l));
            JsonObject theirs = new JsonObject(vertx(l).toBuffer());
            if (!ours.equals(theirs)) {
                throw new IllegalStateException("encoders disagree on " + l.listingKey() + ":\n" + ours + "\n" + theirs);
            }
        }
    }

    private Listing nextListing() {
        return listings[trace[next++ & (TRACE - 1)]];
    }

    @Benchmark
    public Buffer listingJson() {
        return ListingJsonAccess.encode(nextListing());
    }

    /** The same bytes as {@link #listingJson()} returns: JsonObject built, encoded, UTF-8 buffer. */
    @Benchmark
    public Buffer vertxJsonObjectToBuffer() {
        return vertx(nextListing()).toBuffer();
    }

    /** {@code JsonObject.encode()} to a String, without the UTF-8 step (what the brief names). */
    @Benchmark
    public String vertxJsonObjectEncode() {
        return vertx(nextListing()).encode();
    }

    static JsonObject vertx(Listing l) {
        return new JsonObject()
                .put("ListingKey", l.listingKey().value())
                .put("ListingId", l.listingId())
                .put("StandardStatus", l.standardStatus().name())
                .put("ListPrice", l.listPrice().dollars())
                .put("PropertyType", l.propertyType().name())
                .put("BedroomsTotal", l.bedroomsTotal())
                .put("BathroomsTotalInteger", l.bathroomsTotalInteger())
                .put("LivingArea", l.livingArea())
                .put("UnparsedAddress", l.address().unparsedAddress())
                .put("City", l.address().city())
                .put("StateOrProvince", l.address().stateOrProvince())
                .put("PostalCode", l.address().postalCode())
                .put("Latitude", l.location().latitude())
                .put("Longitude", l.location().longitude())
                .put("H3Cell7", Long.toHexString(l.h3r7()))
                .put("H3Cell9", Long.toHexString(l.h3r9()))
                .put("ListingContractDate", l.listingContractDate().toString())
                .put("ModificationTimestamp", l.modificationTimestamp().toString())
                .put("PhotosCount", l.photosCount())
                .put("PublicRemarks", l.publicRemarks())
                .put("ListAgentKey", l.agentKey())
                .put("version", l.version());
    }
}
