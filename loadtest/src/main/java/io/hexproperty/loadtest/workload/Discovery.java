package io.hexproperty.loadtest.workload;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Builds the workload from the live data rather than invented keys: pages through
 * {@code GET /api/v1/listings?limit=100&sort=newest} and keeps the keys, places, H3 cells and
 * prices it sees. Runs once before the clock starts, so it never disturbs the measurement.
 */
public final class Discovery {

    private final WebClient client;
    private final TargetUrl target;
    private final Duration timeout;

    public Discovery(WebClient client, TargetUrl target, Duration timeout) {
        this.client = client;
        this.target = target;
        this.timeout = timeout;
    }

    public Catalogue collect(int pages) {
        Map<String, Catalogue.Entry> seen = new LinkedHashMap<>();
        String cursor = null;
        for (int page = 0; page < pages; page++) {
            String uri = target.apiPath("/api/v1/listings?limit=100&sort=newest"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            HttpResponse<Buffer> resp = get(uri);
            if (resp.statusCode() != 200) {
                if (page == 0) {
                    throw new DiscoveryException("GET " + target.origin() + uri + " answered " + resp.statusCode()
                            + "; the workload needs listings from the HexProperty API (or use --mix target=1 for a plain URL)");
                }
                break;
            }
            JsonObject body;
            try {
                body = resp.bodyAsJsonObject();
            } catch (RuntimeException e) {
                throw new DiscoveryException("GET " + target.origin() + uri + " did not return a JSON object: " + e.getMessage());
            }
            JsonArray items = body == null ? null : body.getJsonArray("items");
            if (items == null) {
                throw new DiscoveryException("GET " + target.origin() + uri + " returned no \"items\" array");
            }
            for (Object o : items) {
                if (o instanceof JsonObject item && item.getValue("ListingKey") != null) {
                    Catalogue.Entry e = entry(item);
                    seen.putIfAbsent(e.key(), e);
                }
            }
            Object next = body.getValue("next");
            if (next == null || items.isEmpty()) {
                break;
            }
            cursor = next.toString();
        }
        return new Catalogue(new ArrayList<>(seen.values()));
    }

    private HttpResponse<Buffer> get(String uri) {
        try {
            return client.get(target.port(), target.host(), uri)
                    .ssl(target.tls())
                    .timeout(timeout.toMillis())
                    .send()
                    .toCompletionStage().toCompletableFuture()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DiscoveryException("interrupted while reading " + uri);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new DiscoveryException("cannot read " + target.origin() + uri + ": " + cause);
        }
    }

    static Catalogue.Entry entry(JsonObject item) {
        String key = item.getValue("ListingKey").toString();
        String city = text(item.getValue("City"));
        String state = text(item.getValue("StateOrProvince"));
        Object cell = item.getValue("H3Cell7");
        String h3 = cell instanceof Number n ? Long.toHexString(n.longValue()) : text(cell);
        return new Catalogue.Entry(key, city, state, h3, price(item.getValue("ListPrice")));
    }

    private static String text(Object o) {
        return o == null || o.toString().isBlank() ? null : o.toString();
    }

    private static long price(Object o) {
        if (o instanceof Number n) {
            return Math.round(n.doubleValue());
        }
        if (o instanceof JsonObject j && j.getValue("amount") instanceof Number n) {
            return Math.round(n.doubleValue());
        }
        if (o instanceof String s) {
            try {
                return Math.round(Double.parseDouble(s));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** Discovery could not build a workload; the message says what was asked and what came back. */
    public static final class DiscoveryException extends RuntimeException {
        DiscoveryException(String message) {
            super(message);
        }
    }
}
