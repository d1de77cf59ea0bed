package io.hexproperty.loadtest.workload;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Human durations as people type them on a command line: {@code 30s}, {@code 2m}, {@code 1h30m}, {@code 250ms}. */
public final class DurationFormat {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|us|µs|s|m|h|d)");

    private DurationFormat() {}

    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration");
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.matches("\\d+(\\.\\d+)?")) {
            throw new IllegalArgumentException("duration '" + text + "' needs a unit: ms, s, m, h or d (e.g. 30s, 2m)");
        }
        Matcher m = PART.matcher(s);
        int pos = 0;
        double nanos = 0;
        while (m.find()) {
            if (m.start() != pos) {
                break;
            }
            double v = Double.parseDouble(m.group(1));
            nanos += v * switch (m.group(2)) {
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> 86400e9;
            };
            pos = m.end();
        }
        if (pos != s.length() || pos == 0) {
            throw new IllegalArgumentException("cannot read duration '" + text + "': use e.g. 250ms, 30s, 2m, 1h30m");
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /** Compact rendering for tables: 850us, 12.3ms, 1.25s, 2m05s. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%dus", nanos / 1_000);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2fms", nanos / 1e6);
        }
        if (nanos < 60_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fs", nanos / 1e9);
        }
        long s = d.toSeconds();
        return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    /** Latency values are kept in microseconds everywhere; this renders one. */
    public static String micros(double micros) {
        return format(Duration.ofNanos(Math.round(micros * 1000)));
    }
}
