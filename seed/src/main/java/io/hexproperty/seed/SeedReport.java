package io.hexproperty.seed;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a seed did and where the time went. {@code generate} and {@code copyWait} are summed over
 * the streams (they overlap each other and the server's work), the others are wall-clock.
 *
 * @param listings  rows loaded into listings
 * @param media     cover-photo rows loaded into media (listings with at least one photo)
 * @param indexes   indexes and constraints re-created after the load
 * @param prepare   reading the reference data and dropping the search indexes
 * @param load      wall-clock of generating and copying all rows
 * @param generate  time the streams spent generating and encoding rows
 * @param copyWait  time the streams spent blocked sending rows to the server and waiting for COPY to finish
 * @param index     wall-clock of re-creating the indexes and constraints
 * @param analyze   wall-clock of VACUUM (ANALYZE)
 * @param total     wall-clock of the whole seed
 * @param steps     time of each index build, constraint and vacuum, longest first (builds run side by side)
 */
public record SeedReport(long listings, long media, int streams, int indexes, Duration prepare, Duration load,
        Duration generate, Duration copyWait, Duration index, Duration analyze, Duration total,
        Map<String, Duration> steps) {

    public SeedReport {
        Map<String, Duration> sorted = new LinkedHashMap<>();
        steps.entrySet().stream()
                .sorted(Map.Entry.<String, Duration>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        steps = Collections.unmodifiableMap(sorted);
    }

    public double listingsPerSecond() {
        return total.isZero() ? 0 : listings / (total.toNanos() / 1e9);
    }

    /** A multi-line summary for consoles and benchmark logs. */
    public String summary() {
        return String.format(Locale.ROOT, """
                seeded %,d listings and %,d cover photos with %d streams in %s (%,.0f listings/s overall)
                  prepare  %s
                  load     %s  (%,.0f rows/s; summed over streams: generate %s, copy wait %s)
                  index    %s  (%d indexes and constraints)
                  analyze  %s
                  steps   %s""",
                listings, media, streams, seconds(total), listingsPerSecond(), seconds(prepare), seconds(load),
                load.isZero() ? 0.0 : listings / (load.toNanos() / 1e9), seconds(generate), seconds(copyWait),
                seconds(index), indexes, seconds(analyze), stepList());
    }

    private String stepList() {
        StringBuilder sb = new StringBuilder();
        steps.forEach((name, d) -> sb.append(sb.isEmpty() ? " " : ", ").append(name.replace("public.", ""))
                .append(' ').append(seconds(d)));
        return sb.toString();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
    }
}
