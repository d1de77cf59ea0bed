package io.hexproperty.benchmarks;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.http.ListingJsonAccess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CPU of each coding the HTTP adapter keeps ready, on the two bodies it matters for: the page's
 * script ({@code webroot/app.js}, compressed once at startup) and a 20-listing search page (compressed
 * when a page is encoded for the cache). gzip at level 6 is what {@code Encoded.gzip} does; Brotli at
 * quality 4 ({@code BrotliCodec.DYNAMIC_QUALITY}), 5 and 11 ({@code STATIC_QUALITY}). Setup prints the
 * compressed sizes (they do not vary between runs). Search pages rotate over 64 distinct pages of
 * generated listings so no page is compressed from a warm cache line alone.
 *
 * <pre>
 * export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * $JAVA_HOME/bin/java -jar benchmarks/target/benchmarks.jar CompressionBenchmark -wi 2 -w 1s -i 5 -r 1s -f 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CompressionBenchmark {
    private static final int PAGES = 64;

    @Param({"appJs", "searchPage"})
    public String body;

    private byte[][] inputs;
    private int next;
    private Encoder.Parameters brotli4;
    private Encoder.Parameters brotli5;
    private Encoder.Parameters brotli11;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Brotli4jLoader.ensureAvailability();
        brotli4 = new Encoder.Parameters().setQuality(4);
        brotli5 = new Encoder.Parameters().setQuality(5);
        brotli11 = new Encoder.Parameters().setQuality(11);
        if (body.equals("appJs")) {
            try (InputStream in = CompressionBenchmark.class.getClassLoader().getResourceAsStream("webroot/app.js")) {
                inputs = new byte[][] {in.readAllBytes()};
            }
        } else {
            Listing[] listings = ListingFixture.generate(PAGES * 20, 42);
            inputs = new byte[PAGES][];
            for (int p = 0; p < PAGES; p++) {
                inputs[p] = ListingJsonAccess.encode(new SearchPage(Arrays.asList(listings).subList(p * 20, p * 20 + 20),
                        Optional.empty()), io.hexproperty.domain.Signer.random()).getBytes();
            }
        }
        long identity = 0, gz = 0, br4 = 0, br5 = 0, br11 = 0;
        for (byte[] in : inputs) {
            identity += in.length;
            gz += gzip(in).length;
            br4 += Encoder.compress(in, brotli4).length;
            br5 += Encoder.compress(in, brotli5).length;
            br11 += Encoder.compress(in, brotli11).length;
        }
        int n = inputs.length;
        System.err.printf("%s bytes (mean of %d): identity %d, gzip-6 %d, br-4 %d, br-5 %d, br-11 %d%n",
                body, n, identity / n, gz / n, br4 / n, br5 / n, br11 / n);
    }

    private byte[] nextInput() {
        return inputs[next++ % inputs.length];
    }

    @Benchmark
    public byte[] gzip6() {
        return gzip(nextInput());
    }

    @Benchmark
    public byte[] brotli4() throws IOException {
        return Encoder.compress(nextInput(), brotli4);
    }

    @Benchmark
    public byte[] brotli5() throws IOException {
        return Encoder.compress(nextInput(), brotli5);
    }

    @Benchmark
    public byte[] brotli11() throws IOException {
        return Encoder.compress(nextInput(), brotli11);
    }

    /** As {@code Encoded.gzip}: GZIPOutputStream at level 6. */
    static byte[] gzip(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192) {
            {
                def.setLevel(6);
            }
        }) {
            gz.write(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
