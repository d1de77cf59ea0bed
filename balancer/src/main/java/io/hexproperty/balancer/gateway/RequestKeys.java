package io.hexproperty.balancer.gateway;

import io.hexproperty.balancer.algorithms.Request;
import io.vertx.core.http.HttpServerRequest;

/**
 * What the algorithms may key on, read from the request line only (the gateway never parses bodies): the
 * listing key of {@code /api/v1/listings/{key}} (hash affinity), and the region of a search: its
 * {@code h3} cell, else its {@code state} (geographic). A listing detail carries no region in its URL, so
 * geographic treats it as region-less (least-connections).
 */
final class RequestKeys {
    static final String LISTING_PREFIX = "/api/v1/listings/";

    private RequestKeys() {}

    static Request of(HttpServerRequest req) {
        String path = req.path();
        String key = null;
        if (path.startsWith(LISTING_PREFIX) && path.length() > LISTING_PREFIX.length()) {
            key = path.substring(LISTING_PREFIX.length());
            int slash = key.indexOf('/');
            if (slash >= 0) {
                key = key.substring(0, slash);
            }
        }
        String region = null;
        if (req.query() != null) {
            String h3 = req.getParam("h3");
            region = h3 != null ? "h3:" + h3 : state(req.getParam("state"));
        }
        return key == null && region == null ? Request.none() : new Request(key, region);
    }

    private static String state(String s) {
        return s == null || s.isBlank() ? null : "state:" + s.strip().toUpperCase(java.util.Locale.ROOT);
    }
}
