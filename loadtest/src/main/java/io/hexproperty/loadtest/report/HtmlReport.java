package io.hexproperty.loadtest.report;

import io.hexproperty.loadtest.analysis.ThresholdMonitor;
import io.hexproperty.loadtest.engine.RunResult;
import io.hexproperty.loadtest.workload.Mix;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * report.html (one self-contained file: inline SVG and CSS, no JavaScript, nothing fetched) and
 * the same charts as PNG images for pasting into tickets and docs.
 */
public final class HtmlReport {

    private HtmlReport() {}

    /** Writes the HTML report and, when asked, the PNG images; returns the files written. */
    public static List<Path> write(RunResult r, JsonObject json, Path dir, boolean images) {
        List<Chart> charts = ReportCharts.of(r);
        List<Path> written = new java.util.ArrayList<>();
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>HexProperty loadtest ")
                .append(esc(r.config().plan().profile().key())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:1000px}")
                .append("table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.fail{color:#b00;font-weight:bold}")
                .append(".ok{color:#070}svg{display:block;margin:8px 0 24px;border:1px solid #eee}</style></head><body>\n");
        html.append("<h1>Load test: ").append(esc(r.config().plan().profile().key())).append(" against ")
                .append(esc(r.config().target())).append("</h1>\n<p>Started ").append(esc(r.startedAt().toString()))
                .append(String.format(Locale.ROOT, ", %.1f s", r.wallSeconds()))
                .append(r.stopReason() == null ? "" : ", stopped: " + esc(r.stopReason())).append(". Mix: ")
                .append(esc(r.mixDescription())).append(".</p>\n");
        for (String note : r.notes()) {
            html.append("<p><i>").append(esc(note)).append("</i></p>\n");
        }
        JsonObject req = json.getJsonObject("requests");
        html.append("<h2>Requests</h2><table><tr>");
        for (String k : List.of("intended", "sent", "completed", "errors", "dropped", "late", "achievedRate", "errorRate",
                "secondsBehindSchedule")) {
            html.append("<th>").append(k).append("</th>");
        }
        html.append("</tr><tr>");
        for (String k : List.of("intended", "sent", "completed", "errors", "dropped", "late", "achievedRate", "errorRate",
                "secondsBehindSchedule")) {
            html.append("<td>").append(req.getValue(k)).append("</td>");
        }
        html.append("</tr></table>\n<h2>Latency (ms)</h2><table><tr><th></th>");
        for (double p : ResultJson.PERCENTILES) {
            html.append("<th>").append(ResultJson.label(p)).append("</th>");
        }
        html.append("<th>max</th><th>count</th></tr>\n");
        row(html, "latency from intended start", json.getJsonObject("latencyMs"));
        row(html, "service time", json.getJsonObject("serviceTimeMs"));
        row(html, "start lateness", json.getJsonObject("latenessMs"));
        JsonObject kinds = json.getJsonObject("kinds");
        for (String k : kinds.fieldNames()) {
            row(html, k + " (" + kinds.getJsonObject(k).getLong("errors") + " errors)", kinds.getJsonObject(k));
        }
        html.append("</table>\n");
        if (!r.thresholds().isEmpty()) {
            html.append("<h2>Thresholds (").append(r.config().window().toSeconds())
                    .append(" s sliding windows and whole run)</h2><table><tr><th>SLO</th><th>result</th><th>windows breached</th>")
                    .append("<th>first breach</th><th>worst window</th><th>whole run</th></tr>\n");
            for (ThresholdMonitor.Track t : r.thresholds()) {
                html.append("<tr><td>").append(esc(t.threshold.text())).append("</td><td class=\"")
                        .append(t.breached() ? "fail\">FAIL" : "ok\">pass").append("</td><td>").append(t.windowsBreached).append(" / ")
                        .append(t.windowsJudged).append("</td><td>")
                        .append(t.firstBreachSeconds < 0 ? "-" : String.format(Locale.ROOT, "%.0f s", t.firstBreachSeconds))
                        .append("</td><td>").append(Double.isNaN(t.worstObserved) ? "-" : esc(t.threshold.render(t.worstObserved)))
                        .append("</td><td>").append(Double.isNaN(t.finalObserved) ? "-" : esc(t.threshold.render(t.finalObserved)))
                        .append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
        JsonObject cpu = json.getJsonObject("generatorCpu");
        html.append("<p>Generator CPU: ").append(cpu.getValue("cpuSeconds")).append(" s over ")
                .append(cpu.getValue("wallSeconds")).append(" s on ").append(cpu.getValue("cores"))
                .append(String.format(Locale.ROOT, " cores = %.2f%% of the machine", cpu.getDouble("share") * 100));
        if (cpu.getValue("targetShare") != null) {
            html.append(String.format(Locale.ROOT, "; target %.2f%%", cpu.getDouble("targetShare") * 100));
        }
        html.append(".</p>\n");
        if (json.containsKey("spike")) {
            html.append("<h2>Spike</h2><pre>").append(esc(json.getJsonObject("spike").encodePrettily())).append("</pre>\n");
        }
        if (!json.getJsonObject("trends").isEmpty()) {
            html.append("<h2>Target resource trends</h2><pre>").append(esc(json.getJsonObject("trends").encodePrettily()))
                    .append("</pre>\n");
        }
        if (json.containsKey("capacity")) {
            html.append("<h2>Capacity</h2><pre>").append(esc(capacityText(r))).append("</pre>\n");
        }
        html.append("<h2>Charts</h2>\n");
        for (Chart c : charts) {
            SvgCanvas svg = new SvgCanvas(ChartPainter.WIDTH, ChartPainter.HEIGHT);
            ChartPainter.paint(c, svg);
            html.append(svg.svg());
            if (images) {
                ImageCanvas img = new ImageCanvas(ChartPainter.WIDTH, ChartPainter.HEIGHT);
                ChartPainter.paint(c, img);
                Path png = dir.resolve(c.file() + ".png");
                try {
                    ImageIO.write(img.image(), "png", png.toFile());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + png.toAbsolutePath(), e);
                }
                written.add(png);
            }
        }
        html.append("<p>Raw data: result.json, latency.hlog (HdrHistogram interval log, microseconds).</p>\n</body></html>\n");
        Path file = dir.resolve("report.html");
        try {
            Files.writeString(file, html);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file.toAbsolutePath(), e);
        }
        written.add(0, file);
        return written;
    }

    private static String capacityText(RunResult r) {
        var bytes = new java.io.ByteArrayOutputStream();
        var ps = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        CapacityText.print(r.capacity(), ps);
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void row(StringBuilder html, String label, JsonObject p) {
        html.append("<tr><td>").append(esc(label)).append("</td>");
        for (double q : ResultJson.PERCENTILES) {
            html.append("<td>").append(p.getValue(ResultJson.label(q))).append("</td>");
        }
        html.append("<td>").append(p.getValue("max")).append("</td><td>").append(p.getValue("count")).append("</td></tr>\n");
    }

    private static String esc(String s) {
        return SvgCanvas.escape(s == null ? "" : s);
    }
}
