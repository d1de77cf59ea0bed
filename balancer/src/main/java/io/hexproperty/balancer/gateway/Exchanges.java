package io.hexproperty.balancer.gateway;

import io.hexproperty.balancer.health.OutlierDetector.Outcome;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.net.ConnectException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The reverse proxy's rules for one exchange, kept apart from the data plane's flow: which headers cross
 * (RFC 9110 section 7.6.1: hop-by-hop fields, and those the Connection field names, stay on their hop; the
 * client's Host is kept so workers build the same URLs as when addressed directly), how the response body is
 * framed, and what a failure means for the client (status) and for outlier detection (outcome).
 */
final class Exchanges {
    private Exchanges() {}

    /** How a failed exchange is answered and what it says about the worker ({@code outcome} null: nothing). */
    record Failure(int status, String type, String title, Outcome outcome) {}

    private static final Failure BUSY = new Failure(504, "worker-busy", "No connection to the worker in time", null);
    private static final Failure TIMEOUT = new Failure(504, "worker-timeout", "Worker timed out", Outcome.LOCAL_FAILURE);
    private static final Failure REFUSED = new Failure(502, "worker-unreachable", "Worker unreachable", Outcome.UNREACHABLE);
    private static final Failure BROKEN = new Failure(502, "worker-unreachable", "Worker unreachable", Outcome.LOCAL_FAILURE);

    /**
     * A full pool ("timeout ... when getting a connection") is the gateway's own queue: answered 504, never
     * held against the worker. A refused or reset connection means nothing listens any more: definitive. A
     * connect or response timeout and a connection closed mid-exchange count towards the consecutive threshold.
     */
    static Failure classify(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof TimeoutException && message.contains("getting a connection")) {
            return BUSY;
        }
        if (cause instanceof ConnectException && message.contains("timed out")) { // Netty's ConnectTimeoutException
            return TIMEOUT;
        }
        if (cause instanceof ConnectException || message.contains("Connection reset") || message.contains("Connection refused")) {
            return REFUSED;
        }
        if (cause instanceof TimeoutException || message.toLowerCase(Locale.ROOT).contains("timeout")) {
            return TIMEOUT;
        }
        return BROKEN;
    }

    static boolean idempotent(HttpMethod m) {
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS;
    }

    /** True when the request announces a body (a retry would need it again, so such requests are never retried). */
    static boolean hasBody(HttpServerRequest req) {
        MultiMap h = req.headers();
        String length = h.get("content-length");
        return h.contains("transfer-encoding") || (length != null && !length.equals("0"));
    }

    static final String X_FORWARDED_FOR = "x-forwarded-for";
    static final String X_FORWARDED_PROTO = "x-forwarded-proto";
    static final String X_FORWARDED_HOST = "x-forwarded-host";
    static final String FORWARDED = "forwarded";

    /**
     * Tells the worker who the client is (ADR 0025), on the request itself, so that every way it leaves the
     * gateway carries it: the streamed exchange, its retry, and the edge cache's fills and background
     * revalidations (they copy the request's fields). X-Forwarded-For gets the TCP peer's address appended to
     * whatever the client sent (several lines folded into one list): a worker that trusts this gateway reads it
     * from the right, so what the client wrote left of it is never believed. The gateway itself reads none of
     * it. X-Forwarded-Proto and X-Forwarded-Host are what this gateway saw, replacing the client's (they are
     * single-valued: only the nearest proxy's word counts); an RFC 7239 Forwarded field is not maintained here,
     * so the client's is dropped rather than passed on looking as if the gateway vouched for it.
     */
    static void addForwarding(HttpServerRequest req) {
        MultiMap h = req.headers();
        var peer = req.remoteAddress();
        String address = peer == null ? null : peer.hostAddress();
        if (address == null) {
            address = "unknown"; // RFC 7239 6.2's word for it; a worker reads it as garbage, i.e. as its peer
        }
        java.util.List<String> sent = h.getAll(X_FORWARDED_FOR);
        h.set(X_FORWARDED_FOR, sent.isEmpty() ? address
                : String.join(", ", sent) + ", " + address);
        h.set(X_FORWARDED_PROTO, req.scheme() == null ? "http" : req.scheme());
        if (req.authority() != null) {
            h.set(X_FORWARDED_HOST, req.authority().toString());
        } else {
            h.remove(X_FORWARDED_HOST);
        }
        h.remove(FORWARDED);
    }

    static void copyRequestHeaders(HttpServerRequest in, HttpClientRequest out) {
        MultiMap from = in.headers();
        copy(from, out.headers(), from.get("connection"), true);
        if (in.authority() != null) {
            out.authority(in.authority());
        }
        if (from.contains("transfer-encoding")) {
            out.setChunked(true);
        }
    }

    static void copyResponseHeaders(HttpClientResponse in, HttpServerResponse out, HttpServerRequest req) {
        MultiMap from = in.headers();
        copy(from, out.headers(), from.get("connection"), false);
        int status = in.statusCode();
        boolean bodiless = status < 200 || status == 204 || status == 304 || req.method() == HttpMethod.HEAD;
        if (!bodiless && !from.contains("content-length") && req.version() != HttpVersion.HTTP_1_0) {
            out.setChunked(true); // unknown length: re-framed for this hop (an HTTP/1.0 client gets close-delimited)
        }
    }

    /**
     * Copies end-to-end fields. Vert.x's header maps are Netty {@link HttpHeaders}: iterating them as char
     * sequences skips the String and entry objects the {@link MultiMap} iterator makes per field (the header
     * copy was the gateway's own largest cost in a profile).
     */
    private static void copy(MultiMap from, MultiMap to, String connection, boolean dropHost) {
        if (from instanceof HttpHeaders netty) {
            Iterator<Map.Entry<CharSequence, CharSequence>> it = netty.iteratorCharSequence();
            while (it.hasNext()) {
                Map.Entry<CharSequence, CharSequence> h = it.next();
                CharSequence name = h.getKey();
                if (endToEnd(name, connection, dropHost)) {
                    to.add(name, h.getValue());
                }
            }
            return;
        }
        for (Map.Entry<String, String> h : from) {
            if (endToEnd(h.getKey(), connection, dropHost)) {
                to.add(h.getKey(), h.getValue());
            }
        }
    }

    private static boolean endToEnd(CharSequence name, String connection, boolean dropHost) {
        return !hopByHop(name) && !(dropHost && AsciiString.contentEqualsIgnoreCase(name, "host")) && !namedBy(connection, name);
    }

    /** RFC 9110 7.6.1 hop-by-hop fields (plus the non-standard Proxy-Connection), matched without allocating. */
    static boolean hopByHop(CharSequence name) {
        return switch (name.length()) {
            case 2 -> is(name, "te");
            case 7 -> is(name, "trailer") || is(name, "upgrade");
            case 10 -> is(name, "connection") || is(name, "keep-alive");
            case 16 -> is(name, "proxy-connection");
            case 17 -> is(name, "transfer-encoding");
            case 18 -> is(name, "proxy-authenticate");
            case 19 -> is(name, "proxy-authorization");
            default -> false;
        };
    }

    private static boolean is(CharSequence name, String field) {
        return AsciiString.contentEqualsIgnoreCase(name, field);
    }

    /** Whether the Connection field lists {@code name} (close and keep-alive are options, not field names). */
    private static boolean namedBy(String connection, CharSequence name) {
        if (connection == null) {
            return false;
        }
        for (String token : connection.split(",")) {
            if (AsciiString.contentEqualsIgnoreCase(token.strip(), name)) {
                return true;
            }
        }
        return false;
    }
}
