package io.hexproperty.loadtest.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Deltas between this run and a previous result.json. A latency percentile regresses when it
 * grows by more than the tolerance and by more than a 1 ms noise floor; the achieved rate when
 * it falls by more than the tolerance; the error rate when it rises by more than 0.1 points.
 */
public record Comparison(List<Delta> deltas, double tolerance) {

    /** One compared metric; {@code higherIsWorse} says which way is a regression. */
    record Delta(String metric, double previous, double current, boolean regression) {
        double change() {
            return previous == 0 ? (current == 0 ? 0 : Double.POSITIVE_INFINITY) : (current - previous) / previous;
        }
    }

    private static final List<String> LATENCY = List.of("p50", "p90", "p99", "p99.9", "max");
    private static final double NOISE_MS = 1.0;

    public static Comparison of(JsonObject previous, JsonObject current, double tolerance) {
        List<Delta> out = new ArrayList<>();
        for (String section : List.of("latencyMs", "serviceTimeMs")) {
            JsonObject p = previous.getJsonObject(section);
            JsonObject c = current.getJsonObject(section);
            if (p == null || c == null) {
                continue;
            }
            for (String k : LATENCY) {
                if (p.getValue(k) instanceof Number pv && c.getValue(k) instanceof Number cv) {
                    double a = pv.doubleValue();
                    double b = cv.doubleValue();
                    out.add(new Delta(section + "." + k, a, b, b > a * (1 + tolerance) && b - a > NOISE_MS));
                }
            }
        }
        JsonObject pr = previous.getJsonObject("requests", new JsonObject());
        JsonObject cr = current.getJsonObject("requests", new JsonObject());
        if (pr.getValue("achievedRate") instanceof Number a && cr.getValue("achievedRate") instanceof Number b) {
            out.add(new Delta("achievedRate", a.doubleValue(), b.doubleValue(), b.doubleValue() < a.doubleValue() * (1 - tolerance)));
        }
        if (pr.getValue("errorRate") instanceof Number a && cr.getValue("errorRate") instanceof Number b) {
            out.add(new Delta("errorRate", a.doubleValue(), b.doubleValue(), b.doubleValue() - a.doubleValue() > 0.001));
        }
        return new Comparison(List.copyOf(out), tolerance);
    }

    public boolean regressed() {
        return deltas.stream().anyMatch(Delta::regression);
    }

    public void print(PrintStream out, String previousName) {
        out.printf(Locale.ROOT, "%ncompared with %s (tolerance %.0f%%):%n", previousName, tolerance * 100);
        for (Delta d : deltas) {
            out.printf(Locale.ROOT, "  %-22s %12.3f -> %12.3f  %+8.1f%%%s%n", d.metric(), d.previous(), d.current(),
                    Double.isInfinite(d.change()) ? 100.0 : d.change() * 100, d.regression() ? "  REGRESSION" : "");
        }
    }

    public JsonObject toJson(String previousName) {
        JsonArray a = new JsonArray();
        for (Delta d : deltas) {
            a.add(new JsonObject().put("metric", d.metric()).put("previous", d.previous()).put("current", d.current())
                    .put("regression", d.regression()));
        }
        return new JsonObject().put("previous", previousName).put("tolerance", tolerance).put("deltas", a)
                .put("regressed", regressed());
    }
}
