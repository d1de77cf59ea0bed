package io.hexproperty.balancer.scaling;

import java.time.Duration;
import java.util.Locale;

/** Parses the short durations of rule texts: 250ms, 10s, 5m, 2h. */
final class Durations {
    private Durations() {}

    static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new IllegalArgumentException("duration '" + text + "': use ms, s, m or h");
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("duration '" + text + "': expected e.g. 250ms, 10s, 5m, 2h");
        }
    }
}
