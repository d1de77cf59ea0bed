package io.hexproperty.balancer.gateway.edge;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The directives of a {@code Cache-Control} (or {@code CDN-Cache-Control}, RFC 9213) field, parsed once per
 * stored response. Names are case-insensitive; values may be tokens or quoted strings. A delta-seconds
 * directive with an invalid value counts as 0 (RFC 9111 4.2.1: the response is then stale), and two
 * different values of one directive also count as 0 (RFC 9111 4.2.1 "SHOULD consider stale"); values past
 * 2^31 are capped there (RFC 9111 1.2.2).
 */
record Directives(Map<String, String> values) {
    static final long MAX_DELTA = 2147483648L;
    static final Directives EMPTY = new Directives(Map.of());
    /** Marks a directive given twice with different values. */
    private static final String CONFLICT = "\u0000conflict";

    Directives {
        values = Map.copyOf(values);
    }

    /** Parses every field line of {@code lines} (a field may be split over several lines). */
    static Directives parse(List<String> lines) {
        if (lines == null || lines.isEmpty()) {
            return EMPTY;
        }
        Map<String, String> out = new HashMap<>();
        for (String line : lines) {
            parseInto(line, out);
        }
        return out.isEmpty() ? EMPTY : new Directives(out);
    }

    static Directives parse(String line) {
        return line == null ? EMPTY : parse(List.of(line));
    }

    private static void parseInto(String s, Map<String, String> out) {
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ',' || s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            int start = i;
            while (i < n && s.charAt(i) != '=' && s.charAt(i) != ',') {
                i++;
            }
            String name = s.substring(start, i).strip().toLowerCase(Locale.ROOT);
            String value = "";
            if (i < n && s.charAt(i) == '=') {
                i++;
                if (i < n && s.charAt(i) == '"') {
                    StringBuilder v = new StringBuilder();
                    i++;
                    while (i < n && s.charAt(i) != '"') {
                        if (s.charAt(i) == '\\' && i + 1 < n) {
                            i++;
                        }
                        v.append(s.charAt(i++));
                    }
                    i++; // closing quote
                    value = v.toString();
                    while (i < n && s.charAt(i) != ',') {
                        i++;
                    }
                } else {
                    int vs = i;
                    while (i < n && s.charAt(i) != ',') {
                        i++;
                    }
                    value = s.substring(vs, i).strip();
                }
            }
            if (!name.isEmpty()) {
                String before = out.putIfAbsent(name, value);
                if (before != null && !before.equals(value)) {
                    out.put(name, CONFLICT);
                }
            }
        }
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** The delta-seconds of {@code name}: -1 when absent, 0 when invalid or conflicting. */
    long seconds(String name) {
        String v = values.get(name);
        if (v == null) {
            return -1;
        }
        if (v.isEmpty()) {
            return 0;
        }
        long total = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            total = total * 10 + (c - '0');
            if (total >= MAX_DELTA) {
                return MAX_DELTA;
            }
        }
        return total;
    }

    /**
     * Surrogate-Control's targeting: directives aimed at a named surrogate ({@code max-age=60;name}) are kept,
     * without the suffix, only when the name is {@code me}; untargeted ones always.
     */
    Directives untargeted(String me) {
        Map<String, String> kept = new HashMap<>();
        values.forEach((name, value) -> {
            int semi = value.indexOf(';');
            if (semi < 0) {
                kept.put(name, value);
            } else if (value.substring(semi + 1).strip().equalsIgnoreCase(me)) {
                kept.put(name, value.substring(0, semi).strip());
            }
        });
        return kept.isEmpty() ? EMPTY : new Directives(kept);
    }

    /** {@code no-cache} and {@code private} may list fields; only whether they occur matters here. */
    boolean isEmpty() {
        return values.isEmpty();
    }
}
