package io.hexproperty.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.loadtest.report.ChartPainter;
import io.hexproperty.testing.lane.Timing;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A short smoke run through the CLI against a stub API: workload, exit codes and every output file. */
@Timing
class ReportFilesTest {

    static StubServer stub;

    @BeforeAll
    static void start() {
        stub = new StubServer(250, null, null);
    }

    @AfterAll
    static void stop() {
        stub.close();
    }

    private static int run(PrintStream out, String... args) {
        return new CommandLine(new LoadtestCommand().output(out)).execute(args);
    }

    @Test
    void smokeRunWritesWellFormedReportFilesAndUsesTheLiveCatalogue() throws Exception {
        // Kept under target/ so the report can be looked at after the build.
        Path dir = Path.of("target", "smoke-report");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = run(new PrintStream(bytes, true, StandardCharsets.UTF_8), "--profile", "smoke", "--target", stub.url(),
                "--rate", "40", "--duration", "4s", "--out", dir.toString(), "--thresholds", "p99<5s,errors<1%",
                "--window", "2s", "--target-pid", Long.toString(ProcessHandle.current().pid()), "--metrics-path", "/metrics",
                "--probe-interval", "1s", "--discover-pages", "2");
        String console = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(console);
        assertThat(code).as(console).isZero();
        assertThat(console).contains("rate").contains("p99").contains("thresholds passed").contains("latency (intended)");

        // The catalogue came from two pages of the API; smoke runs 10/s at most (4 s -> 40 starts).
        assertThat(stub.hits("page")).isEqualTo(2);
        assertThat(stub.hits("unknown-listing")).isZero();
        assertThat(stub.hits("listing") + stub.hits("search") + stub.hits("map") + stub.hits("inquiry")).isEqualTo(40);
        assertThat(stub.hits("update")).as("no token, no writes").isZero();

        JsonObject json = new JsonObject(Files.readString(dir.resolve("result.json")));
        assertThat(json.getString("profile")).isEqualTo("smoke");
        assertThat(json.getJsonObject("requests").getLong("intended")).isEqualTo(40);
        assertThat(json.getJsonObject("requests").getLong("completed")).isEqualTo(40);
        assertThat(json.getJsonObject("latencyMs").getLong("count")).isEqualTo(40);
        assertThat(json.getJsonObject("latencyMs").getDouble("p99")).isPositive();
        assertThat(json.getJsonObject("generatorCpu").getDouble("share")).isBetween(0.0, 1.0);
        assertThat(json.getJsonObject("generatorCpu").getValue("targetShare")).isNotNull();
        assertThat(json.getJsonObject("trends").fieldNames()).contains("rss", "threads", "fds", "heap_after_gc");
        // The run's own p99 is a trend too (one sample per probe interval), and every trend says whether it is significant.
        assertThat(json.getJsonObject("trends").fieldNames()).contains("p99");
        json.getJsonObject("trends").forEach(e -> assertThat(((JsonObject) e.getValue()).getValue("significant"))
                .as(e.getKey()).isInstanceOf(Boolean.class));
        assertThat(json.getJsonArray("thresholds")).hasSize(2);
        assertThat(json.getBoolean("thresholdsPassed")).isTrue();
        assertThat(json.getJsonArray("series").size()).isGreaterThanOrEqualTo(4);

        HistogramLogReader reader = new HistogramLogReader(dir.resolve("latency.hlog").toFile());
        long untagged = 0;
        long count = 0;
        EncodableHistogram h;
        while ((h = reader.nextIntervalHistogram()) != null) {
            if (h.getTag() == null) {
                untagged++;
                count += ((org.HdrHistogram.Histogram) h).getTotalCount();
            }
        }
        assertThat(untagged).isGreaterThanOrEqualTo(4);
        assertThat(count).isEqualTo(40);

        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("<svg").doesNotContain("<script").doesNotContain("src=\"http");
        assertThat(html.split("<svg", -1)).hasSize(5);
        // Every inline SVG is well-formed XML.
        for (String part : html.split("<svg").length > 1 ? html.substring(html.indexOf("<svg")).split("(?=<svg)") : new String[0]) {
            String svg = part.substring(0, part.indexOf("</svg>") + 6);
            DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new java.io.ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        }
        for (String png : new String[] {"latency.png", "throughput.png", "errors.png", "distribution.png"}) {
            BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
            assertThat(img).as(png).isNotNull();
            assertThat(img.getWidth()).isEqualTo(ChartPainter.WIDTH);
            assertThat(img.getHeight()).isEqualTo(ChartPainter.HEIGHT);
        }
    }

    @Test
    void breachedThresholdGivesExitCode99AndComparisonFlagsTheRegression(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Path first = dir.resolve("first");
        int code = run(out, "--target", stub.url() + "/", "--mix", "target=1", "--rate", "10", "--duration", "3s",
                "--out", first.toString(), "--no-images", "--thresholds", "p50<1us");
        assertThat(code).as(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(LoadtestCommand.EXIT_THRESHOLDS);
        JsonObject json = new JsonObject(Files.readString(first.resolve("result.json")));
        assertThat(json.getBoolean("thresholdsPassed")).isFalse();
        assertThat(Files.exists(first.resolve("latency.png"))).isFalse();

        // Make the previous run look 10x faster, so this run is a regression against it.
        JsonObject previous = json.copy();
        JsonObject lat = previous.getJsonObject("latencyMs");
        for (String k : lat.fieldNames()) {
            if (!k.equals("count")) {
                lat.put(k, lat.getDouble(k) / 10 - 5);
            }
        }
        Path prev = dir.resolve("previous.json");
        Files.writeString(prev, previous.encode());
        int code2 = run(out, "--target", stub.url(), "--mix", "target=1", "--rate", "10", "--duration", "3s",
                "--out", dir.resolve("second").toString(), "--no-images", "--compare", prev.toString(), "--fail-on-regression");
        String console = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code2).as(console).isEqualTo(LoadtestCommand.EXIT_REGRESSION);
        assertThat(console).contains("REGRESSION");
        JsonObject second = new JsonObject(Files.readString(dir.resolve("second").resolve("result.json")));
        assertThat(second.getJsonObject("comparison").getBoolean("regressed")).isTrue();
    }

    @Test
    void writesCarryTheTokenAndInquiriesNameARealListing(@TempDir Path dir) {
        long before = stub.hits("update");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = run(new PrintStream(bytes, true, StandardCharsets.UTF_8), "--target", stub.url(), "--mix",
                "{\"update\": 1, \"inquiry\": 1}", "--token", "secret-1", "--rate", "10", "--duration", "2s",
                "--out", dir.toString(), "--no-images");
        assertThat(code).as(bytes.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(stub.hits("update")).isGreaterThan(before);
        assertThat(stub.authorizations).allMatch(a -> a.equals("Bearer secret-1"));
        assertThat(stub.bodies).anySatisfy(b -> assertThat(b.getValue("ListPrice")).isInstanceOf(Number.class));
        assertThat(stub.bodies).anySatisfy(b -> {
            assertThat(b.getString("ListingKey")).startsWith("L");
            assertThat(b.getString("email")).contains("@");
            assertThat(b.getString("name")).isNotBlank();
            assertThat(b.getString("message")).isNotBlank();
        });
    }

    @Test
    void badUsageIsExitCode2WithTheReason() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = new CommandLine(new LoadtestCommand());
        cl.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        int code = cl.execute("--target", "http://127.0.0.1:1", "--duration", "30");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("needs a unit");
    }
}
