package io.hexproperty.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Request duration histograms tagged by route template ("/api/v1/listings/:listingKey"), never by
 * raw path, and by a method from a fixed set ({@link #OTHER_METHOD} for any other token: HTTP lets a
 * client invent methods), so the number of series stays bounded whatever clients send.
 */
final class HttpMetrics {
    static final String ROUTE_KEY = "hexproperty.route";
    static final String UNMATCHED_ROUTE = "unmatched";
    /** OpenTelemetry's value for a method outside the known set. */
    static final String OTHER_METHOD = "_OTHER";
    private static final java.util.Set<String> METHODS =
            java.util.Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");
    private final MeterRegistry registry;
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();
    // The business transactions: a buyer's inquiry and an agent's listing writes, by route.
    private static final java.util.Map<String, String> TRANSACTIONS = java.util.Map.of(
            "POST /api/v1/inquiries", "inquiry",
            "POST /api/v1/listings", "listing_create",
            "PATCH /api/v1/listings/:listingKey", "listing_update",
            "DELETE /api/v1/listings/:listingKey", "listing_delete");

    /** Requests by protocol, indexed by HttpVersion ordinal: one array read per request, no lookup. */
    private final io.micrometer.core.instrument.Counter[] byProtocol;

    HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.byProtocol = protocolCounters(registry, "http.server.protocol.requests",
                "HTTP requests by protocol (http/1.0, http/1.1, h2), both ports");
    }

    /** One counter per HTTP version, registered up front so a share of 0 (no HTTP/2 yet) is visible too. */
    static io.micrometer.core.instrument.Counter[] protocolCounters(MeterRegistry registry, String name, String help) {
        io.vertx.core.http.HttpVersion[] versions = io.vertx.core.http.HttpVersion.values();
        io.micrometer.core.instrument.Counter[] counters = new io.micrometer.core.instrument.Counter[versions.length];
        for (io.vertx.core.http.HttpVersion v : versions) {
            counters[v.ordinal()] = io.micrometer.core.instrument.Counter.builder(name).tag("protocol", v.alpnName())
                    .description(help).register(registry);
        }
        return counters;
    }

    /** First handler of every request: stamps the start and records on end. */
    void start(RoutingContext ctx) {
        long start = System.nanoTime();
        ctx.addEndHandler(ignored -> {
            String route = ctx.get(ROUTE_KEY, UNMATCHED_ROUTE);
            int status = ctx.response().getStatusCode();
            String method = method(ctx.request().method().name());
            long took = System.nanoTime() - start;
            timer(method, route, status).record(took, TimeUnit.NANOSECONDS);
            io.vertx.core.http.HttpVersion version = ctx.request().version();
            if (version != null) {
                byProtocol[version.ordinal()].increment();
            }
            // reads are never transactions: no lookup (and no string) on the hot path
            String transaction = method.equals("GET") || method.equals("HEAD") ? null : TRANSACTIONS.get(method + ' ' + route);
            if (transaction != null) {
                transaction(transaction, status).record(took, TimeUnit.NANOSECONDS);
            }
        });
        ctx.next();
    }

    private Timer timer(String method, String route, int status) {
        String id = method + ' ' + route + ' ' + status;
        Timer timer = timers.get(id);
        if (timer == null) {
            timer = timers.computeIfAbsent(id, k -> Timer.builder("http.server.requests")
                    .description("HTTP server request duration by route template")
                    .tag("method", method)
                    .tag("route", route)
                    .tag("status", Integer.toString(status))
                    .tag("outcome", outcome(status))
                    .publishPercentileHistogram()
                    .register(registry));
        }
        return timer;
    }

    private Timer transaction(String type, int status) {
        // success: done; rejected: the client's fault (4xx: invalid, unauthorized, conflict); failure: ours (5xx)
        String outcome = status >= 500 ? "failure" : status >= 400 ? "rejected" : "success";
        String id = "tx " + type + ' ' + outcome;
        Timer timer = timers.get(id);
        if (timer == null) {
            timer = timers.computeIfAbsent(id, k -> Timer.builder("hexproperty.transactions")
                    .description("Business transactions (inquiries, listing writes) by type and outcome: rate, time, success, failure")
                    .tag("type", type).tag("outcome", outcome).register(registry));
        }
        return timer;
    }

    static String method(String raw) {
        return METHODS.contains(raw) ? raw : OTHER_METHOD;
    }

    private static String outcome(int status) {
        return switch (status / 100) {
            case 2 -> "SUCCESS";
            case 3 -> "REDIRECTION";
            case 4 -> "CLIENT_ERROR";
            case 5 -> "SERVER_ERROR";
            default -> "UNKNOWN";
        };
    }
}
