package io.hexproperty.balancer.gateway.edge;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One stored response: the head and body as the origin sent them (minus hop-by-hop fields and Age), its
 * {@link Freshness}, the request values it was selected by ({@code Vary}, RFC 9111 4.1) and the surrogate keys
 * it is purged by. Immutable: a 304 revalidation makes a new one with updated fields.
 */
public record StoredResponse(int status, String statusMessage, MultiMap headers, Buffer body, Freshness freshness,
                             List<String> varyNames, List<String> varyValues, Set<String> surrogateKeys) {
    /** Fields a 304 must not overwrite in the stored head (RFC 9111 3.2 lists what is kept as stored). */
    private static final Set<String> NOT_UPDATED = Set.of("content-length", "content-encoding", "transfer-encoding",
            "content-range", "connection", "keep-alive", "trailer", "upgrade", "te", "proxy-connection", "age",
            "etag", "content-md5"); // a 304 with another validator does not make the stored body that representation

    public static StoredResponse of(int status, String statusMessage, MultiMap responseHeaders, Buffer body,
                                    MultiMap requestHeaders, long requestMillis, long responseMillis, String surrogateHeader) {
        MultiMap stored = copyWithoutAge(responseHeaders);
        if (!stored.contains("date")) { // RFC 9110 6.6.1: the recipient with a clock adds it, once, when it stores
            stored.add("date", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    java.time.Instant.ofEpochMilli(responseMillis).atZone(java.time.ZoneOffset.UTC)));
        }
        List<String> names = varyNames(responseHeaders);
        return new StoredResponse(status, statusMessage, stored, body,
                Freshness.of(status, responseHeaders, requestMillis, responseMillis), names, varyValues(names, requestHeaders),
                surrogateKeys(responseHeaders, surrogateHeader));
    }

    private static MultiMap copyWithoutAge(MultiMap from) {
        MultiMap stored = MultiMap.caseInsensitiveMultiMap();
        for (Map.Entry<String, String> e : from) {
            if (!e.getKey().equalsIgnoreCase("age")) {
                stored.add(e.getKey(), e.getValue());
            }
        }
        return stored;
    }

    /**
     * A 304 freshens the stored response (RFC 9111 4.3.4): its fields replace the stored ones of the same name
     * (except framing), and the age starts again from the 304's Date and Age.
     */
    public StoredResponse revalidated(MultiMap notModified, long requestMillis, long responseMillis, String surrogateHeader) {
        MultiMap merged = MultiMap.caseInsensitiveMultiMap().addAll(headers);
        Set<String> replaced = new LinkedHashSet<>();
        for (Map.Entry<String, String> e : notModified) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!NOT_UPDATED.contains(name) && replaced.add(name)) {
                merged.remove(name);
            }
        }
        for (Map.Entry<String, String> e : notModified) {
            if (replaced.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                merged.add(e.getKey(), e.getValue());
            }
        }
        MultiMap forFreshness = MultiMap.caseInsensitiveMultiMap().addAll(merged);
        forFreshness.remove("age");
        String age = notModified.get("age");
        if (age != null) {
            forFreshness.set("age", age);
        }
        return new StoredResponse(status, statusMessage, merged, body,
                Freshness.of(status, forFreshness, requestMillis, responseMillis), varyNames, varyValues,
                surrogateKeys(merged, surrogateHeader));
    }

    /** Whether this response was selected by the same request values as {@code request} carries. */
    public boolean matches(MultiMap request) {
        return varyValues.equals(varyValues(varyNames, request));
    }

    public String etag() {
        return headers.get("etag");
    }

    public String lastModified() {
        return headers.get("last-modified");
    }

    /** Approximate heap cost: body, fields, and a fixed overhead for the objects around them. */
    public int weight() {
        int w = 256 + body.length();
        for (Map.Entry<String, String> e : headers) {
            w += 48 + e.getKey().length() + e.getValue().length();
        }
        return w;
    }

    /** Lower-cased field names of Vary; {@code ["*"]} when it contains a star. */
    static List<String> varyNames(MultiMap headers) {
        List<String> names = new ArrayList<>();
        for (String line : headers.getAll("vary")) {
            for (String token : line.split(",")) {
                String n = token.strip().toLowerCase(Locale.ROOT);
                if (n.equals("*")) {
                    return List.of("*");
                }
                if (!n.isEmpty() && !names.contains(n)) {
                    names.add(n);
                }
            }
        }
        return List.copyOf(names);
    }

    /**
     * The request's values of the named fields, normalised as RFC 9111 4.1 allows (lines combined, spaces
     * around commas dropped); an absent field is null-like ("\u0000"), distinct from an empty one.
     */
    static List<String> varyValues(List<String> names, MultiMap request) {
        if (names.isEmpty()) {
            return List.of();
        }
        List<String> values = new ArrayList<>(names.size());
        for (String name : names) {
            List<String> lines = request.getAll(name);
            if (lines.isEmpty()) {
                values.add("\u0000");
                continue;
            }
            StringBuilder v = new StringBuilder();
            for (String line : lines) {
                for (String part : line.split(",")) {
                    if (!v.isEmpty()) {
                        v.append(',');
                    }
                    v.append(part.strip());
                }
            }
            values.add(v.toString());
        }
        return List.copyOf(values);
    }

    /** The surrogate keys of a response: space-separated values of {@code header} (e.g. Surrogate-Key). */
    static Set<String> surrogateKeys(MultiMap headers, String header) {
        List<String> lines = headers.getAll(header);
        if (lines.isEmpty()) {
            return Set.of();
        }
        Set<String> keys = new LinkedHashSet<>();
        for (String line : lines) {
            for (String k : line.split("[\\s,]+")) {
                if (!k.isEmpty()) {
                    keys.add(k);
                }
            }
        }
        return Set.copyOf(keys);
    }
}
