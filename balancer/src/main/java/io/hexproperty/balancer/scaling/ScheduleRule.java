package io.hexproperty.balancer.scaling;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A calendar floor: "Saturdays 10:00-14:00, at least 4 workers", written {@code sat 10:00-14:00 min=4}
 * (days: mon..sun, comma lists, ranges like mon-fri, or daily). The policy applies it {@code lead} early so
 * the workers are warm when the window opens.
 */
public record ScheduleRule(Set<DayOfWeek> days, LocalTime from, LocalTime to, int minWorkers, ZoneId zone) {
    public ScheduleRule {
        if (days == null || days.isEmpty()) {
            throw new IllegalArgumentException("schedule needs at least one day");
        }
        if (from == null || to == null || !from.isBefore(to)) {
            throw new IllegalArgumentException("schedule window must have from < to, was " + from + "-" + to);
        }
        if (minWorkers < 1) {
            throw new IllegalArgumentException("schedule min workers must be >= 1, was " + minWorkers);
        }
        days = Set.copyOf(days);
        zone = zone == null ? ZoneId.of("UTC") : zone;
    }

    public static ScheduleRule parse(String text, ZoneId zone) {
        String[] parts = text.strip().toLowerCase(Locale.ROOT).split("\\s+");
        if (parts.length != 3 || !parts[2].startsWith("min=") || !parts[1].contains("-")) {
            throw new IllegalArgumentException("schedule '" + text + "': expected DAYS HH:MM-HH:MM min=N, e.g. sat 10:00-14:00 min=4");
        }
        try {
            String[] window = parts[1].split("-");
            return new ScheduleRule(days(parts[0]), LocalTime.parse(window[0]), LocalTime.parse(window[1]),
                    Integer.parseInt(parts[2].substring(4)), zone);
        } catch (DateTimeParseException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("schedule '" + text + "': " + e.getMessage());
        }
    }

    private static Set<DayOfWeek> days(String spec) {
        if (spec.equals("daily")) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        EnumSet<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
        for (String item : spec.split(",")) {
            if (item.contains("-")) {
                String[] r = item.split("-");
                DayOfWeek a = day(r[0]);
                DayOfWeek b = day(r[1]);
                for (DayOfWeek d = a; ; d = d.plus(1)) {
                    out.add(d);
                    if (d == b) {
                        break;
                    }
                }
            } else {
                out.add(day(item));
            }
        }
        return out;
    }

    private static DayOfWeek day(String s) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().toLowerCase(Locale.ROOT).startsWith(s) && s.length() >= 3) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown day '" + s + "' (mon, tue, wed, thu, fri, sat, sun, daily)");
    }

    /** True when {@code at + lead} falls inside the window (so warm-up starts {@code lead} early). */
    public boolean activeAt(Instant at, Duration lead) {
        ZonedDateTime t = at.plus(lead).atZone(zone);
        LocalTime time = t.toLocalTime();
        return days.contains(t.getDayOfWeek()) && !time.isBefore(from) && time.isBefore(to);
    }

    @Override
    public String toString() {
        return days.stream().sorted().map(d -> d.name().substring(0, 3).toLowerCase(Locale.ROOT)).toList()
                .toString().replace(" ", "").replace("[", "").replace("]", "") + " " + from + "-" + to + " min=" + minWorkers;
    }
}
