package io.hexproperty.loadtest.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * Joins a loadtest run against {@code cluster --max N} with the gateway's autoscaler as sampled from
 * {@code GET /admin/cluster} (bench/autoscale-run.sh writes the samples), and answers the questions of
 * an autoscaling run: when did p99 first breach the SLO in the loaded phase, when did the autoscaler
 * decide to scale out and when did the new worker serve, when did it scale back in, and how many
 * requests failed in each phase (loadtest errors and the gateway's own failed counter).
 *
 * <p>Time is seconds since the loadtest's start ({@code startedAt} of result.json); samples carry the
 * wall clock of the sampler, so both sides are on the same clock (one machine). Sampling every 1-2 s
 * bounds the resolution of "serving" and of the worker counts; decisions carry their own instant.
 *
 * <pre>
 * java -cp 'app/target/hexproperty-app.jar:app/target/lib/*' io.hexproperty.loadtest.report.AutoscaleTimeline \
 *     SAMPLES RUN_DIR [--slo-ms 250] [--png FILE]
 * </pre>
 * SAMPLES: one line per sample, {@code <epoch millis> <GET /admin/cluster JSON on one line>}.
 */
public final class AutoscaleTimeline {
    /**
     * One sample of /admin/cluster; ready = workers in state "up", standby = the warm pool's (state "standby"),
     * served = the gateway's request count of each ready worker (since it was last registered).
     */
    record Sample(double t, int current, int desired, int ready, long requests, long failed, int standby, Map<String, Long> served) {}

    /** One autoscaler decision that changed the desired count. */
    record Move(double t, int current, int desired, String rule, String reason) {}

    /** One second of the loadtest: rates, errors, and p99 of latency from the intended start. */
    record Second(double start, double end, double intended, double sent, double completed, long errors, double p99Ms) {}

    record Phase(String name, double start, double end) {}

    private final List<Sample> samples;
    private final List<Move> moves;
    private final List<Second> seconds;
    private final List<Phase> phases;
    private final double sloMs;

    AutoscaleTimeline(List<Sample> samples, List<Move> moves, List<Second> seconds, List<Phase> phases, double sloMs) {
        this.samples = List.copyOf(samples);
        this.moves = List.copyOf(moves);
        this.seconds = List.copyOf(seconds);
        this.phases = List.copyOf(phases);
        this.sloMs = sloMs;
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (args.length < 2) {
            System.err.println("usage: AutoscaleTimeline SAMPLES RUN_DIR [--slo-ms 250] [--png FILE]");
            System.exit(2);
        }
        double slo = 250;
        Path png = null;
        for (int i = 2; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--slo-ms" -> slo = Double.parseDouble(args[i + 1]);
                case "--png" -> png = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        AutoscaleTimeline t = read(Path.of(args[0]), Path.of(args[1]), slo);
        t.print(System.out);
        if (png != null) {
            t.writePng(png);
            System.out.println("chart: " + png);
        }
    }

    static AutoscaleTimeline read(Path samplesFile, Path runDir, double sloMs) throws IOException {
        JsonObject result = new JsonObject(Files.readString(runDir.resolve("result.json")));
        Instant started = Instant.parse(result.getString("startedAt"));
        double origin = started.toEpochMilli() / 1000.0;
        List<Sample> samples = new ArrayList<>();
        Map<String, Move> moves = new LinkedHashMap<>();
        for (String line : Files.readAllLines(samplesFile)) {
            int space = line.indexOf(' ');
            if (space < 0 || !line.substring(space + 1).strip().startsWith("{")) {
                continue; // the admin port did not answer in that second (e.g. before the gateway was up)
            }
            double t = Long.parseLong(line.substring(0, space)) / 1000.0 - origin;
            JsonObject c = new JsonObject(line.substring(space + 1));
            JsonObject a = c.getJsonObject("autoscaler", new JsonObject());
            int ready = 0;
            int standby = 0;
            Map<String, Long> served = new LinkedHashMap<>();
            for (Object o : c.getJsonArray("workers", new JsonArray())) {
                JsonObject w = (JsonObject) o;
                if ("up".equals(w.getString("state"))) {
                    ready++;
                    served.put(w.getString("id"), w.getLong("requests", 0L));
                } else if ("standby".equals(w.getString("state"))) {
                    standby++;
                }
            }
            JsonObject g = c.getJsonObject("gateway", new JsonObject());
            samples.add(new Sample(t, a.getInteger("current", ready), a.getInteger("desired", ready), ready,
                    g.getLong("requests", 0L), g.getLong("failed", 0L), standby, served));
            for (Object o : a.getJsonArray("recentDecisions", new JsonArray())) {
                JsonObject d = (JsonObject) o;
                String key = d.getString("at") + " " + d.getInteger("current") + " " + d.getInteger("desired");
                moves.computeIfAbsent(key, k -> new Move(Instant.parse(d.getString("at")).toEpochMilli() / 1000.0 - origin,
                        d.getInteger("current"), d.getInteger("desired"), d.getString("rule"), d.getString("reason")));
            }
        }
        List<Move> sortedMoves = new ArrayList<>(moves.values());
        sortedMoves.sort(java.util.Comparator.comparingDouble(Move::t));
        Map<Long, Double> p99 = p99BySecond(runDir.resolve("latency.hlog"));
        List<Second> secs = new ArrayList<>();
        for (Object o : result.getJsonArray("series", new JsonArray())) {
            JsonArray r = (JsonArray) o;
            double end = r.getDouble(1);
            secs.add(new Second(r.getDouble(0), end, r.getDouble(2), r.getDouble(3), r.getDouble(4), r.getLong(5),
                    p99.getOrDefault(Math.round(end), Double.NaN)));
        }
        List<Phase> phases = new ArrayList<>();
        for (Object o : result.getJsonObject("schedule").getJsonArray("phases", new JsonArray())) {
            JsonObject p = (JsonObject) o;
            phases.add(new Phase(p.getString("name"), p.getDouble("start"), p.getDouble("end")));
        }
        return new AutoscaleTimeline(samples, sortedMoves, secs, phases, sloMs);
    }

    /** p99 (ms) of the untagged (latency from intended start) interval histograms, keyed by the second they end. */
    private static Map<Long, Double> p99BySecond(Path hlog) {
        Map<Long, Double> out = new TreeMap<>();
        try {
            HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
            EncodableHistogram e;
            while ((e = reader.nextIntervalHistogram()) != null) {
                if (e.getTag() == null && e instanceof Histogram h && h.getTotalCount() > 0) {
                    double end = (h.getEndTimeStamp() - reader.getStartTimeSec() * 1000) / 1000.0;
                    out.put(Math.round(end), h.getValueAtPercentile(99) / 1000.0);
                }
            }
        } catch (FileNotFoundException ex) {
            throw new UncheckedIOException("no histogram log at " + hlog.toAbsolutePath(), ex);
        }
        return out;
    }

    /** The loaded phase: "step" or "spike" (the profile's top), else the whole run. */
    Phase top() {
        return phases.stream().filter(p -> p.name().equals("step") || p.name().equals("spike")).findFirst()
                .orElse(new Phase("run", 0, seconds.isEmpty() ? 0 : seconds.get(seconds.size() - 1).end()));
    }

    /** First second (its end) of the loaded phase whose p99 is above the SLO; NaN when none. */
    double breach() {
        Phase top = top();
        return seconds.stream().filter(s -> s.end() > top.start() && s.start() < top.end() && s.p99Ms() > sloMs)
                .mapToDouble(Second::end).findFirst().orElse(Double.NaN);
    }

    /** The first scale-out decided at or after the loaded phase starts; null when none. */
    Move scaleOut() {
        double from = top().start();
        return moves.stream().filter(m -> m.desired() > m.current() && m.t() >= from).findFirst().orElse(null);
    }

    /** The first scale-in decided after the loaded phase ends; null when none. */
    Move scaleIn() {
        double from = top().end();
        return moves.stream().filter(m -> m.desired() < m.current() && m.t() >= from).findFirst().orElse(null);
    }

    /** First sample at or after {@code t} with more ready workers than at {@code t}; NaN when none. */
    double moreReadyAfter(double t) {
        int before = readyAt(t);
        return samples.stream().filter(s -> s.t() >= t && s.ready() > before).mapToDouble(Sample::t).findFirst().orElse(Double.NaN);
    }

    /**
     * First sample at or after {@code t} in which a worker that was not ready at {@code t} (a started or an
     * admitted one) is ready and has been sent a request by the gateway; NaN when none.
     */
    double firstServedByNewWorker(double t) {
        Sample at = sampleAt(t);
        java.util.Set<String> before = at == null ? java.util.Set.of() : at.served().keySet();
        return samples.stream().filter(s -> s.t() >= t && s.served().entrySet().stream()
                        .anyMatch(e -> !before.contains(e.getKey()) && e.getValue() > 0))
                .mapToDouble(Sample::t).findFirst().orElse(Double.NaN);
    }

    int readyAt(double t) {
        int r = samples.isEmpty() ? 0 : samples.get(0).ready();
        for (Sample s : samples) {
            if (s.t() > t) {
                break;
            }
            r = s.ready();
        }
        return r;
    }

    /** The last sample at or before {@code t}; null when none. */
    Sample sampleAt(double t) {
        Sample last = null;
        for (Sample s : samples) {
            if (s.t() > t) {
                break;
            }
            last = s;
        }
        return last;
    }

    /** Gateway failed counter at the last sample at or before {@code t}. */
    long failedAt(double t) {
        long f = 0;
        for (Sample s : samples) {
            if (s.t() > t) {
                break;
            }
            f = s.failed();
        }
        return f;
    }

    /** Per phase: loadtest errors (seconds ending inside it) and the gateway's failed-counter increase over it. */
    Map<String, long[]> failuresByPhase() {
        Map<String, long[]> out = new LinkedHashMap<>();
        double lastSample = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).t();
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            // the last phase runs on to the last sample: failures of a scale-in after the load are counted too
            double end = i == phases.size() - 1 ? Math.max(p.end(), lastSample) : p.end();
            long errors = seconds.stream().filter(s -> s.end() > p.start() && s.end() <= end + 1e-6).mapToLong(Second::errors).sum();
            out.put(p.name(), new long[] {errors, failedAt(end) - failedAt(p.start())});
        }
        return out;
    }

    void print(PrintStream out) {
        Phase top = top();
        out.printf(Locale.ROOT, "phases: %s%n", phases.stream().map(p -> String.format(Locale.ROOT, "%s %.0f-%.0f s", p.name(),
                p.start(), p.end())).toList());
        double breach = breach();
        out.printf(Locale.ROOT, "SLO %.0f ms; first p99 breach in %s: %s%n", sloMs, top.name(),
                Double.isNaN(breach) ? "none" : String.format(Locale.ROOT, "%.0f s (%.0f s after it started)", breach, breach - top.start()));
        Sample atStart = sampleAt(top.start());
        if (atStart != null) {
            out.printf(Locale.ROOT, "workers when %s started: %d ready, %d current, %d desired%n", top.name(), atStart.ready(),
                    atStart.current(), atStart.desired());
        }
        Move o = scaleOut();
        if (o == null) {
            out.println("scale-out: none decided in " + top.name());
        } else {
            double serving = moreReadyAfter(o.t());
            out.printf(Locale.ROOT, "scale-out decided at %.1f s (%s after the breach, %.1f s after %s started): %d -> %d [%s] %s%n",
                    o.t(), Double.isNaN(breach) ? "no breach" : String.format(Locale.ROOT, "%+.1f s", o.t() - breach),
                    o.t() - top.start(), top.name(), o.current(), o.desired(), o.rule(), o.reason());
            out.printf(Locale.ROOT, "first new worker serving (sampled): %s%n", Double.isNaN(serving) ? "never in the samples"
                    : String.format(Locale.ROOT, "%.1f s (%.1f s after the decision%s)", serving, serving - o.t(),
                    Double.isNaN(breach) ? "" : String.format(Locale.ROOT, ", %+.1f s after the breach", serving - breach)));
            double firstRequest = firstServedByNewWorker(o.t());
            out.printf(Locale.ROOT, "first request served by a new worker (sampled): %s%n", Double.isNaN(firstRequest) ? "never in the samples"
                    : String.format(Locale.ROOT, "%.1f s (%.1f s after the decision%s)", firstRequest, firstRequest - o.t(),
                    Double.isNaN(breach) ? "" : String.format(Locale.ROOT, ", %+.1f s after the breach", firstRequest - breach)));
            Sample before = sampleAt(o.t() - 1e-6); // the decision's own second may already show the admission
            if (before != null && before.standby() > 0) {
                out.printf(Locale.ROOT, "warm pool before the decision: %d standby worker(s)%n", before.standby());
            }
        }
        Move in = scaleIn();
        out.println(in == null ? "scale-in: none decided after " + top.name() + " ended"
                : String.format(Locale.ROOT, "scale-in decided at %.1f s (%.1f s after %s ended): %d -> %d [%s] %s", in.t(),
                in.t() - top.end(), top.name(), in.current(), in.desired(), in.rule(), in.reason()));
        out.println("failed requests by phase (loadtest errors / gateway failed):");
        failuresByPhase().forEach((name, f) -> out.printf(Locale.ROOT, "  %-10s %6d / %d%n", name, f[0], f[1]));
        out.println();
        out.println("| s since load start | current | desired | ready | gateway requests | gateway failed |");
        out.println("| ---: | ---: | ---: | ---: | ---: | ---: |");
        Sample prev = null;
        for (Sample s : samples) {
            if (prev == null || s.current() != prev.current() || s.desired() != prev.desired() || s.ready() != prev.ready()
                    || s.failed() != prev.failed()) {
                out.printf(Locale.ROOT, "| %.0f | %d | %d | %d | %d | %d |%n", s.t(), s.current(), s.desired(), s.ready(), s.requests(), s.failed());
            }
            prev = s;
        }
        out.println();
        out.println("decisions:");
        for (Move m : moves) {
            out.printf(Locale.ROOT, "  %7.1f s  %d -> %d [%s] %s%n", m.t(), m.current(), m.desired(), m.rule(), m.reason());
        }
    }

    /** Three panels on one image: workers, offered and completed rate, p99 against the SLO. */
    void writePng(Path png) throws IOException {
        // the panels share one x axis: load start to the last sample (the scale-in may come after the load)
        List<Sample> shown = samples.stream().filter(s -> s.t() >= 0).toList();
        int n = shown.size();
        double[] st = new double[n];
        double[] cur = new double[n];
        double[] des = new double[n];
        double[] rdy = new double[n];
        double[] sby = new double[n];
        for (int i = 0; i < n; i++) {
            Sample s = shown.get(i);
            st[i] = s.t();
            cur[i] = s.current();
            des[i] = s.desired();
            rdy[i] = s.ready();
            sby[i] = s.standby();
        }
        boolean warmPool = shown.stream().anyMatch(s -> s.standby() > 0);
        int m = seconds.size();
        double xEnd = Math.max(n == 0 ? 0 : st[n - 1], m == 0 ? 0 : seconds.get(m - 1).end());
        double[] t = new double[m + 1];
        double[] intended = new double[m + 1];
        double[] sent = new double[m + 1];
        double[] done = new double[m + 1];
        double[] p99 = new double[m + 1];
        double[] slo = new double[m + 1];
        // after the load: nothing offered, the SLO line runs on, no rates or p99 measured
        t[m] = xEnd;
        sent[m] = Double.NaN;
        done[m] = Double.NaN;
        p99[m] = Double.NaN;
        slo[m] = sloMs;
        for (int i = 0; i < m; i++) {
            Second s = seconds.get(i);
            t[i] = s.end();
            intended[i] = s.intended();
            sent[i] = s.sent();
            done[i] = s.completed();
            p99[i] = s.p99Ms();
            slo[i] = sloMs;
        }
        String[] c = ReportCharts.COLORS;
        List<Chart> charts = List.of(
                // four legend entries leave no room for the long title
                new Chart("workers", warmPool ? "Workers (sampled)" : "Workers (sampled from GET /admin/cluster)", "seconds since load start", "workers",
                        warmPool ? List.of(Chart.Line.of("desired", c[2], st, des), Chart.Line.of("current (ready + starting)", c[0], st, cur),
                                Chart.Line.of("ready", c[1], st, rdy), Chart.Line.of("standby", c[3], st, sby))
                                : List.of(Chart.Line.of("desired", c[2], st, des), Chart.Line.of("current (ready + starting)", c[0], st, cur),
                                Chart.Line.of("ready", c[1], st, rdy)), false),
                new Chart("rate", "Offered and completed rate (loadtest)", "seconds since load start", "requests/s", List.of(
                        Chart.Line.of("offered (intended)", c[4], t, intended), Chart.Line.of("sent", c[0], t, sent),
                        Chart.Line.of("completed", c[1], t, done)), false),
                new Chart("p99", "p99 latency per second from intended start (loadtest)", "seconds since load start", "ms", List.of(
                        Chart.Line.of("p99", c[2], t, p99), Chart.Line.of("SLO", c[3], t, slo)), false));
        BufferedImage all = new BufferedImage(ChartPainter.WIDTH, ChartPainter.HEIGHT * charts.size(), BufferedImage.TYPE_INT_RGB);
        var g = all.createGraphics();
        for (int i = 0; i < charts.size(); i++) {
            ImageCanvas img = new ImageCanvas(ChartPainter.WIDTH, ChartPainter.HEIGHT);
            ChartPainter.paint(charts.get(i), img);
            g.drawImage(img.image(), 0, i * ChartPainter.HEIGHT, null);
        }
        g.dispose();
        ImageIO.write(all, "png", png.toFile());
    }
}
