package io.hexproperty.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hexproperty.testing.lane.Unit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A synthetic step run: the timeline finds the breach, the decisions, the new worker and the failures by phase. */
@Unit
class AutoscaleTimelineTest {
    private static final Instant START = Instant.parse("2026-12-03T17:00:00Z");

    @TempDir
    Path dir;

    @Test
    void joinsTheLoadtestWithTheSampledClusterState() throws Exception {
        // 30 s: step from 10 s to 20 s; p99 above 250 ms in seconds 12-15; two errors at second 13
        JsonArray series = new JsonArray();
        try (PrintStream hlog = new PrintStream(Files.newOutputStream(dir.resolve("latency.hlog")), false, StandardCharsets.UTF_8)) {
            HistogramLogWriter w = new HistogramLogWriter(hlog);
            w.outputStartTime(START.toEpochMilli());
            w.setBaseTime(START.toEpochMilli());
            w.outputBaseTime(START.toEpochMilli());
            w.outputLegend();
            for (int t = 0; t < 30; t++) {
                boolean step = t >= 10 && t < 20;
                boolean slow = t >= 12 && t < 16;
                Histogram h = new Histogram(3_600_000_000L, 3);
                for (int i = 0; i < 100; i++) {
                    h.recordValue(slow ? 400_000 : 20_000);
                }
                h.setStartTimeStamp(START.toEpochMilli() + t * 1000L);
                h.setEndTimeStamp(START.toEpochMilli() + (t + 1) * 1000L);
                w.outputIntervalHistogram(t, t + 1, h, 1.0);
                series.add(new JsonArray().add(t).add(t + 1).add(step ? 40 : 10).add(step ? 40 : 10).add(step ? 40 : 10)
                        .add(t == 13 ? 2 : 0).add(0).add(0).add(1));
            }
        }
        JsonObject result = new JsonObject().put("startedAt", START.toString()).put("series", series)
                .put("schedule", new JsonObject().put("phases", new JsonArray()
                        .add(new JsonObject().put("name", "baseline").put("start", 0).put("end", 10))
                        .add(new JsonObject().put("name", "step").put("start", 10).put("end", 20))
                        .add(new JsonObject().put("name", "after").put("start", 20).put("end", 30))));
        Files.writeString(dir.resolve("result.json"), result.encode());

        List<String> samples = new ArrayList<>();
        for (int t = -2; t <= 40; t++) {
            int current = t < 13 ? 1 : t < 35 ? 2 : 1;
            int ready = t < 17 ? 1 : t < 35 ? 2 : 1;
            long failed = t < 14 ? 0 : 1; // one gateway failure in the step
            JsonArray decisions = new JsonArray();
            if (t >= 13) {
                decisions.add(decision(13, 1, 2, "trigger:p99"));
            }
            if (t >= 34) {
                decisions.add(decision(34, 2, 1, "target:arrival-rate"));
            }
            JsonArray workers = new JsonArray();
            for (int i = 0; i < current; i++) {
                // worker-1 is sent its first request in the sample of second 18, a second after it is ready
                long requests = i == 0 ? 10L * (t + 2) : Math.max(0, t - 17);
                workers.add(new JsonObject().put("id", "worker-" + i).put("state", i < ready ? "up" : "starting").put("requests", requests));
            }
            if (t < 13) {
                workers.add(new JsonObject().put("id", "worker-9").put("state", "standby").put("requests", 0));
            }
            JsonObject cluster = new JsonObject().put("gateway", new JsonObject().put("requests", 100L * (t + 2)).put("failed", failed))
                    .put("workers", workers).put("autoscaler", new JsonObject().put("current", current).put("desired", current)
                            .put("recentDecisions", decisions));
            samples.add((START.toEpochMilli() + t * 1000L) + " " + cluster.encode());
        }
        samples.add((START.toEpochMilli() + 41_000L) + " "); // the admin port did not answer: skipped
        Files.write(dir.resolve("samples.txt"), samples);

        AutoscaleTimeline timeline = AutoscaleTimeline.read(dir.resolve("samples.txt"), dir, 250);
        assertThat(timeline.top().name()).isEqualTo("step");
        assertThat(timeline.breach()).isCloseTo(13, within(1e-9)); // the second 12-13 ends at 13
        assertThat(timeline.scaleOut().desired()).isEqualTo(2);
        assertThat(timeline.scaleOut().t()).isCloseTo(13, within(1e-9));
        assertThat(timeline.moreReadyAfter(13)).isCloseTo(17, within(1e-9));
        assertThat(timeline.firstServedByNewWorker(13)).isCloseTo(18, within(1e-9));
        assertThat(timeline.scaleIn().t()).isCloseTo(34, within(1e-9));
        assertThat(timeline.failuresByPhase().get("baseline")).containsExactly(0, 0);
        assertThat(timeline.failuresByPhase().get("step")).containsExactly(2, 1);
        assertThat(timeline.failuresByPhase().get("after")).containsExactly(0, 0);

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        timeline.print(new PrintStream(text, true, StandardCharsets.UTF_8));
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("first p99 breach in step: 13 s")
                .contains("1 -> 2 [trigger:p99]").contains("workers when step started: 1 ready, 1 current")
                .contains("first request served by a new worker (sampled): 18.0 s (5.0 s after the decision, +5.0 s after the breach)")
                .contains("warm pool before the decision: 1 standby worker(s)");

        Path png = dir.resolve("timeline.png");
        timeline.writePng(png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getHeight()).isEqualTo(3 * ChartPainter.HEIGHT);
    }

    private static JsonObject decision(int second, int from, int to, String rule) {
        return new JsonObject().put("at", START.plusSeconds(second).toString()).put("current", from).put("desired", to)
                .put("rule", rule).put("reason", rule + " says so");
    }
}
