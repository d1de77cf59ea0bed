package io.hexproperty.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
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
    static final CharSequence AGE = HttpHeaders.createOptimized("Age");
    static final CharSequence CONTENT_LENGTH = HttpHeaders.createOptimized("Content-Length");
    static final CharSequence ACCEPT_ENCODING = HttpHeaders.createOptimized("Accept-Encoding");
    static final CharSequence V_DETAIL_CACHE_CONTROL = HttpHeaders.createOptimized(DETAIL_CACHE_CONTROL);
    static final CharSequence V_DETAIL_CDN = HttpHeaders.createOptimized(DETAIL_CDN_CACHE_CONTROL);

    /**
     * The page's scripts, styles, beacons and icon all come from this origin, so everything else is
     * refused; no framing at all (clickjacking), no plugins, no {@code <base>} rewriting.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";
    static final String REFERRER_POLICY = "strict-origin-when-cross-origin";
    private static final CharSequence H_CSP = HttpHeaders.createOptimized("Content-Security-Policy");
    private static final CharSequence V_CSP = HttpHeaders.createOptimized(CONTENT_SECURITY_POLICY);
    private static final CharSequence H_NOSNIFF = HttpHeaders.createOptimized("X-Content-Type-Options");
    private static final CharSequence V_NOSNIFF = HttpHeaders.createOptimized("nosniff");
    private static final CharSequence H_REFERRER = HttpHeaders.createOptimized("Referrer-Policy");
    private static final CharSequence V_REFERRER = HttpHeaders.createOptimized(REFERRER_POLICY);

    private ResponseHeaders() {}

    /** The headers of the web page and its assets: CSP (with frame-ancestors), nosniff, Referrer-Policy. */
    static HttpServerResponse securityHeaders(HttpServerResponse res) {
        return res.putHeader(H_CSP, V_CSP).putHeader(H_NOSNIFF, V_NOSNIFF).putHeader(H_REFERRER, V_REFERRER);
    }

    /**
     * Writes {@code body} in the best coding the client accepts, with that coding's strong ETag (when the
     * body has one), or 304 when If-None-Match names any coding of it.
     */
    static void send(RoutingContext ctx, HttpServerResponse res, Encoded body) {
        ContentCoding coding = ContentCoding.choose(ctx.request().getHeader(ACCEPT_ENCODING), body.br() != null);
        if (body.etag() != null) {
            res.putHeader(ETAG, coding.etag(body.etag()));
            if (ETags.matchesNoneMatch(ctx.request().getHeader("If-None-Match"), body.etag())) {
                res.setStatusCode(304).end();
                return;
            }
        }
        res.putHeader("Content-Type", "application/json");
        // Named even for identity, so that the server's own compression leaves the bytes alone.
        res.putHeader("Content-Encoding", coding.token());
        end(ctx, res, body.body(coding));
    }

    /**
     * Ends the response with {@code body} and its Content-Length, or, for HEAD, with the same headers
     * and no body (Vert.x would otherwise write the body of a HEAD response too).
     */
    static void end(RoutingContext ctx, HttpServerResponse res, Buffer body) {
        res.putHeader(CONTENT_LENGTH, String.valueOf(body.length()));
        if (ctx.request().method() == HttpMethod.HEAD) {
            // the server's compressor strips "identity" from a GET on the wire but skips HEAD responses:
            // strip it here so that HEAD carries the headers GET does
            if ("identity".equals(res.headers().get("Content-Encoding"))) {
                res.headers().remove("Content-Encoding");
            }
            res.end();
        } else {
            res.end(body);
        }
    }

    static void end(RoutingContext ctx, HttpServerResponse res, String body) {
        end(ctx, res, Buffer.buffer(body));
    }
}
