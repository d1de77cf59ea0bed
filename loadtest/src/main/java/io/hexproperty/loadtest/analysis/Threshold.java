package io.hexproperty.loadtest.analysis;

import io.hexproperty.loadtest.workload.DurationFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One service-level objective such as {@code p99<50ms} or {@code errors<0.1%}. Latency metrics
 * are measured from the intended start (coordinated-omission-free); see docs/loadtest.md.
 */
public record Threshold(String metric, Op op, double limit, String text) {

    public enum Op {
        LT("<"), LE("<="), GT(">"), GE(">=");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        boolean holds(double observed, double limit) {
            return switch (this) {
                case LT -> observed < limit;
                case LE -> observed <= limit;
                case GT -> observed > limit;
                case GE -> observed >= limit;
            };
        }
    }

    private static final Pattern FORM = Pattern.compile("\\s*([a-z][a-z0-9.]*)\\s*(<=|>=|<|>)\\s*([0-9.]+)\\s*([a-zµ%/]*)\\s*");
    private static final Pattern PERCENTILE = Pattern.compile("p(\\d{1,2}(?:\\.\\d+)?|100)");

    public Threshold {
        if (metric == null || op == null || !(limit >= 0)) {
            throw new IllegalArgumentException("invalid threshold " + text);
        }
    }

    /** Parses a comma-separated list such as {@code p99<50ms,errors<0.1%}. */
    public static List<Threshold> parseAll(String text) {
        List<Threshold> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(parse(part));
            }
        }
        return List.copyOf(out);
    }

    public static Threshold parse(String text) {
        Matcher m = FORM.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("cannot read threshold '" + text.trim()
                    + "': expected METRIC OP VALUE such as p99<50ms, max<=2s, mean<20ms, errors<0.1%, rate>=95");
        }
        String metric = m.group(1);
        Op op = switch (m.group(2)) {
            case "<" -> Op.LT;
            case "<=" -> Op.LE;
            case ">" -> Op.GT;
            default -> Op.GE;
        };
        double value = Double.parseDouble(m.group(3));
        String unit = m.group(4);
        double limit;
        if (isLatency(metric)) {
            if (unit.isEmpty()) {
                throw new IllegalArgumentException("threshold '" + text.trim() + "' needs a time unit (us, ms, s)");
            }
            limit = switch (unit) {
                case "us", "µs" -> value;
                case "ms" -> value * 1e3;
                case "s" -> value * 1e6;
                default -> throw new IllegalArgumentException("threshold '" + text.trim() + "': unknown time unit '" + unit + "'");
            };
        } else if (metric.equals("errors")) {
            limit = switch (unit) {
                case "%" -> value / 100;
                case "" -> value;
                default -> throw new IllegalArgumentException("threshold '" + text.trim() + "': errors take a % or a fraction");
            };
        } else if (metric.equals("rate")) {
            if (!unit.isEmpty() && !unit.equals("/s")) {
                throw new IllegalArgumentException("threshold '" + text.trim() + "': rate is per second");
            }
            limit = value;
        } else {
            throw new IllegalArgumentException("threshold '" + text.trim()
                    + "': unknown metric '" + metric + "' (pNN, max, mean, errors, rate)");
        }
        return new Threshold(metric, op, limit, text.trim());
    }

    private static boolean isLatency(String metric) {
        if (metric.equals("max") || metric.equals("mean")) {
            return true;
        }
        Matcher p = PERCENTILE.matcher(metric);
        return p.matches() && Double.parseDouble(p.group(1)) <= 100;
    }

    boolean isLatency() {
        return isLatency(metric);
    }

    /** The observed value in the metric's unit: microseconds, a fraction, or per second. */
    double observe(Tally t) {
        return switch (metric) {
            case "max" -> t.latency.getMaxValue();
            case "mean" -> t.latency.getMean();
            case "errors" -> t.errorRate();
            case "rate" -> t.completedRate();
            default -> t.p(Double.parseDouble(metric.substring(1)));
        };
    }

    /** Whether there is enough in the span to judge this objective fairly. */
    boolean judgeable(Tally t) {
        return switch (metric) {
            case "errors" -> t.completed + t.dropped > 0;
            case "rate" -> t.seconds > 0;
            default -> t.latency.getTotalCount() > 0;
        };
    }

    boolean holds(Tally t) {
        return !judgeable(t) || op.holds(observe(t), limit);
    }

    public String render(double value) {
        if (isLatency()) {
            return DurationFormat.micros(value);
        }
        if (metric.equals("errors")) {
            return String.format(Locale.ROOT, "%.3f%%", value * 100);
        }
        return String.format(Locale.ROOT, "%.1f/s", value);
    }

    @Override
    public String toString() {
        return text;
    }
}
