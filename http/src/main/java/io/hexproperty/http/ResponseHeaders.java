package io.hexproperty.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Header names, cache policies and content negotiation shared by the routes. Names and constant
 * values are pre-encoded once (Netty AsciiString): the listing detail hit path sets eight of them.
 */
final class ResponseHeaders {
    // Browsers revalidate after 30 s (cheap: 304 from the version); shared caches keep 60 s and are
    // purged on change; both may serve stale while revalidating, and for 5 min if the origin errors.
    static final String DETAIL_CACHE_CONTROL =
            "public, max-age=30, s-maxage=60, stale-while-revalidate=30, stale-if-error=300";
    static final String DETAIL_CDN_CACHE_CONTROL = "max-age=300, stale-while-revalidate=60, stale-if-error=3600";
    static final String SEARCH_CACHE_CONTROL =
            "public, max-age=10, s-maxage=15, stale-while-revalidate=10, stale-if-error=120";
    static final String SEARCH_CDN_CACHE_CONTROL = "max-age=30, stale-while-revalidate=10, stale-if-error=600";

    static final CharSequence ETAG = HttpHeaders.createOptimized("ETag");
    static final CharSequence LAST_MODIFIED = HttpHeaders.createOptimized("Last-Modified");
    static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("Cache-Control");
    static final CharSequence CDN_CACHE_CONTROL = HttpHeaders.createOptimized("CDN-Cache-Control");
    static final CharSequence SURROGATE_KEY = HttpHeaders.createOptimized("Surrogate-Key");
    static final CharSequence CACHE_TAG = HttpHeaders.createOptimized("Cache-Tag");
    static final CharSequence VARY = HttpHeaders.createOptimized("Vary");
    static final CharSequence ACCEPT_ENCODING = HttpHeaders.createOptimized("Accept-Encoding");
    static final CharSequence V_DETAIL_CACHE_CONTROL = HttpHeaders.createOptimized(DETAIL_CACHE_CONTROL);
    static final CharSequence V_DETAIL_CDN = HttpHeaders.createOptimized(DETAIL_CDN_CACHE_CONTROL);

    private ResponseHeaders() {}

    /** Writes the precompressed body when the client takes gzip, else the identity bytes. */
    static void sendBody(RoutingContext ctx, HttpServerResponse res, Encoded body) {
        res.putHeader("Content-Type", "application/json");
        if (acceptsGzip(ctx.request().getHeader("Accept-Encoding"))) {
            res.putHeader("Content-Encoding", "gzip").end(body.gzip());
        } else {
            res.putHeader("Content-Encoding", "identity").end(body.identity());
        }
    }

    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] tokens = part.strip().split(";");
            if (tokens[0].strip().equalsIgnoreCase("gzip")) {
                return tokens.length < 2 || !tokens[1].replace(" ", "").matches("q=0(\\.0*)?");
            }
        }
        return false;
    }
}
