package io.hexproperty.loadtest.workload;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Relative weights of request kinds. A mix file is either properties ({@code listing=60}) or a
 * JSON object ({@code {"listing": 60}}); weights need not sum to anything, they are normalised.
 */
public record Mix(Map<RequestKind, Double> weights) {

    /**
     * The default realistic mix: a read-heavy portal where most traffic opens a listing (popular
     * ones far more often), a fifth searches a place, a slice browses the map, and writes stay
     * small, as on real listing sites.
     */
    public static Mix realistic() {
        Map<RequestKind, Double> w = new EnumMap<>(RequestKind.class);
        w.put(RequestKind.LISTING, 60.0);
        w.put(RequestKind.SEARCH, 22.0);
        w.put(RequestKind.MAP, 14.0);
        w.put(RequestKind.UPDATE, 2.0);
        w.put(RequestKind.INQUIRY, 2.0);
        return new Mix(w);
    }

    public static Mix only(RequestKind kind) {
        return new Mix(Map.of(kind, 1.0));
    }

    public Mix {
        EnumMap<RequestKind, Double> copy = new EnumMap<>(RequestKind.class);
        for (Map.Entry<RequestKind, Double> e : weights.entrySet()) {
            double v = e.getValue();
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("mix weight of " + e.getKey().key() + " must be >= 0, was " + v);
            }
            if (v > 0) {
                copy.put(e.getKey(), v);
            }
        }
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("a mix needs at least one positive weight, got " + weights);
        }
        weights = Collections.unmodifiableMap(copy);
    }

    /** Reads a mix file, or an inline spec ({@code target=1}, {@code {"listing": 1}}) when no such file exists. */
    public static Mix read(String fileOrInline) {
        Path p = Path.of(fileOrInline);
        String text;
        if (Files.isRegularFile(p)) {
            try {
                text = Files.readString(p);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read mix file " + p.toAbsolutePath() + ": " + e.getMessage(), e);
            }
        } else if (fileOrInline.strip().startsWith("{")) {
            text = fileOrInline;
        } else if (fileOrInline.contains("=")) {
            text = fileOrInline.replace(',', '\n');
        } else {
            throw new IllegalArgumentException("mix file not found: " + p.toAbsolutePath());
        }
        return parse(text);
    }

    static Mix parse(String text) {
        Map<RequestKind, Double> w = new EnumMap<>(RequestKind.class);
        String t = text.strip();
        if (t.startsWith("{")) {
            JsonObject json;
            try {
                json = new JsonObject(t);
            } catch (DecodeException e) {
                throw new IllegalArgumentException("mix JSON is malformed: " + e.getMessage(), e);
            }
            for (String k : json.fieldNames()) {
                Object v = json.getValue(k);
                if (!(v instanceof Number n)) {
                    throw new IllegalArgumentException("mix weight of '" + k + "' must be a number, was " + v);
                }
                w.put(RequestKind.of(k), n.doubleValue());
            }
        } else {
            Properties props = new Properties();
            try {
                props.load(new StringReader(t));
            } catch (IOException e) {
                throw new IllegalArgumentException("mix properties are malformed: " + e.getMessage(), e);
            }
            for (String k : props.stringPropertyNames()) {
                String v = props.getProperty(k).trim();
                try {
                    w.put(RequestKind.of(k), Double.parseDouble(v));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("mix weight of '" + k + "' must be a number, was '" + v + "'", e);
                }
            }
        }
        return new Mix(w);
    }

    /** This mix without the given kind (e.g. writes when no token was given). */
    public Mix without(RequestKind kind) {
        Map<RequestKind, Double> w = new EnumMap<>(weights);
        w.remove(kind);
        return new Mix(w);
    }

    public boolean needsCatalogue() {
        return weights.keySet().stream().anyMatch(RequestKind::needsCatalogue);
    }

    double share(RequestKind kind) {
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        return weights.getOrDefault(kind, 0.0) / total;
    }

    @Override
    public String toString() {
        return weights.entrySet().stream()
                .map(e -> e.getKey().key() + "=" + String.format(Locale.ROOT, "%.1f%%", share(e.getKey()) * 100))
                .collect(Collectors.joining(", "));
    }
}
