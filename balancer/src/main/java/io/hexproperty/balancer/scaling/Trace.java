package io.hexproperty.balancer.scaling;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An arrival-rate trace: one rate per second from {@code start}. Built-ins are generated from a seed;
 * files are CSV ({@code seconds,rate}, a header line allowed) or a {@code hexproperty loadtest} result.json
 * (its per-interval {@code series}, intended rate).
 *
 * @param season the trace's daily period when it is compressed (the forecast's season), else one day
 * @param schedules schedule rules the trace was built for (the open-house trace's Saturday window)
 */
public record Trace(String name, Instant start, double[] rates, Duration season, List<ScheduleRule> schedules) {
    public static final List<String> BUILTINS = List.of("step", "spike", "diurnal", "open-house");

    /** A Monday 00:00 UTC: built-in traces start here unless they need a weekday. */
    static final Instant MONDAY = LocalDate.of(2026, 1, 5).atStartOfDay().toInstant(ZoneOffset.UTC);

    public int seconds() {
        return rates.length;
    }

    public static Trace builtin(String name, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return switch (name) {
            case "step" -> {
                // 150 rps, x4 at 120 s for 10 minutes, back to 150 for 10 minutes
                double[] r = new double[1320];
                for (int i = 0; i < r.length; i++) {
                    r[i] = noisy(i >= 120 && i < 720 ? 600 : 150, rnd);
                }
                yield new Trace("step x4", MONDAY, r, Duration.ofDays(1), List.of());
            }
            case "spike" -> {
                // 100 rps, x10 for 60 s at 180 s, then 100 rps for 10 minutes
                double[] r = new double[840];
                for (int i = 0; i < r.length; i++) {
                    r[i] = noisy(i >= 180 && i < 240 ? 1000 : 100, rnd);
                }
                yield new Trace("spike x10 60s", MONDAY, r, Duration.ofDays(1), List.of());
            }
            case "diurnal" -> {
                // three days, each compressed into 20 minutes: night trough 40 rps, morning shoulder, evening peak 520 rps
                int day = 1200;
                double[] r = new double[3 * day];
                for (int i = 0; i < r.length; i++) {
                    double h = (i % day) * 24.0 / day;
                    double base = 40 + 180 * bump(h, 12, 3.5) + 480 * bump(h, 20, 2.2);
                    r[i] = noisy(base, rnd);
                }
                yield new Trace("diurnal 3 days (1 day = 20 min)", MONDAY, r, Duration.ofSeconds(day), List.of());
            }
            case "open-house" -> {
                // Saturday 09:00-15:00: 80 rps, 10:00-14:00 open houses 380 rps with a 2-minute rush at 10:00
                Instant sat = LocalDate.of(2026, 1, 10).atTime(9, 0).toInstant(ZoneOffset.UTC);
                double[] r = new double[6 * 3600];
                for (int i = 0; i < r.length; i++) {
                    double base = i >= 3600 && i < 5 * 3600 ? (i < 3600 + 120 ? 450 : 380) : 80;
                    r[i] = noisy(base, rnd);
                }
                yield new Trace("open-house Saturday 09-15", sat, r, Duration.ofDays(1),
                        List.of(ScheduleRule.parse("sat 10:00-14:00 min=6", ZoneOffset.UTC)));
            }
            default -> throw new IllegalArgumentException("--trace: unknown built-in '" + name + "' (one of " + BUILTINS + ", or a file)");
        };
    }

    private static double bump(double h, double centre, double width) {
        double d = (h - centre) / width;
        return Math.exp(-d * d);
    }

    /** Poisson-like noise: the standard deviation of a second's count is sqrt(rate). */
    private static double noisy(double rate, SplittableRandom rnd) {
        double g = rnd.nextGaussian();
        return Math.max(0, rate + g * Math.sqrt(rate));
    }

    /** Reads CSV {@code seconds,rate} (gaps are filled with the previous rate) or a loadtest result.json. */
    public static Trace read(Path file) throws IOException {
        String text = Files.readString(file);
        String name = file.getFileName().toString();
        if (text.stripLeading().startsWith("{")) {
            JsonObject json;
            try {
                json = new JsonObject(text);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--trace " + file + ": not valid JSON: " + e.getMessage());
            }
            JsonArray series = json.getJsonArray("series");
            JsonArray cols = json.getJsonArray("seriesColumns");
            if (series == null || cols == null || !cols.contains("start") || !cols.contains("sentRate")) {
                throw new IllegalArgumentException("--trace " + file + ": a loadtest result.json needs 'series' and 'seriesColumns' with start and sentRate");
            }
            int startCol = cols.getList().indexOf("start");
            int rateCol = cols.getList().indexOf("sentRate");
            List<double[]> points = new ArrayList<>();
            for (Object o : series) {
                JsonArray row = (JsonArray) o;
                points.add(new double[] {row.getDouble(startCol), row.getDouble(rateCol)});
            }
            Instant at = json.getString("startedAt") != null ? Instant.parse(json.getString("startedAt")) : MONDAY;
            return new Trace(name, at, fill(points, file), Duration.ofDays(1), List.of());
        }
        List<double[]> points = new ArrayList<>();
        int line = 0;
        for (String l : text.split("\\R")) {
            line++;
            String t = l.strip();
            if (t.isEmpty() || t.startsWith("#") || (line == 1 && !Character.isDigit(t.charAt(0)))) {
                continue;
            }
            String[] p = t.split("[,;\\t ]+");
            if (p.length < 2) {
                throw new IllegalArgumentException("--trace " + file + " line " + line + ": expected seconds,rate, got '" + t + "'");
            }
            try {
                double sec = Double.parseDouble(p[0]);
                double rate = Double.parseDouble(p[1]);
                if (sec < 0 || rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
                    throw new NumberFormatException("seconds and rate must be >= 0");
                }
                points.add(new double[] {sec, rate});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--trace " + file + " line " + line + ": " + e.getMessage());
            }
        }
        return new Trace(name, MONDAY, fill(points, file), Duration.ofDays(1), List.of());
    }

    private static double[] fill(List<double[]> points, Path file) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("--trace " + file + ": no data points");
        }
        int n = (int) Math.ceil(points.stream().mapToDouble(p -> p[0]).max().orElse(0)) + 1;
        if (n > 14 * 86_400) {
            throw new IllegalArgumentException("--trace " + file + ": longer than 14 days (" + n + " s)");
        }
        double[] r = new double[n];
        java.util.Arrays.fill(r, Double.NaN);
        for (double[] p : points) {
            r[(int) p[0]] = p[1];
        }
        double last = 0;
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(r[i])) {
                r[i] = last;
            }
            last = r[i];
        }
        return r;
    }
}
