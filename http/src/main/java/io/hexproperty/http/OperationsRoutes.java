package io.hexproperty.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Everything around the API that operators and browsers use: health, the OpenAPI document, the
 * bench ceiling route, RUM beacons and the web page on the public port; metrics and admin on the
 * management port.
 */
final class OperationsRoutes {
    private final Supplier<CompletionStage<NodeHealth>> health;
    private final Supplier<String> scrape;
    private final Supplier<String> slowQueries;
    private final boolean benchRoutes;
    private final RumEndpoint rum;
    private final AdminRoutes admin;
    private final TrustedProxies proxies;
    private final byte[] openApi = resource("openapi.json");
    private final StaticAssets assets = StaticAssets.webroot();

    OperationsRoutes(Supplier<CompletionStage<NodeHealth>> health, Supplier<String> scrape, Supplier<String> slowQueries,
            boolean benchRoutes, RumEndpoint rum, AdminRoutes admin, TrustedProxies proxies) {
        this.proxies = proxies;
        this.health = health;
        this.scrape = scrape;
        this.slowQueries = slowQueries;
        this.benchRoutes = benchRoutes;
        this.rum = rum;
        this.admin = admin;
    }

    /** Health, OpenAPI and (when enabled) the bench ceiling route. */
    void mountHealth(Router router) {
        Routes.get(router, "/health/live", ctx -> ResponseHeaders.end(ctx, ctx.response().putHeader("Content-Type", "application/json")
                .putHeader("Content-Encoding", "identity")
                .putHeader("Cache-Control", "no-store"), "{\"status\":\"UP\"}"));
        // "can serve" (load balancers) and "can write", ADR 0016
        Routes.get(router, "/health/ready", ctx -> NodeHealth.sendReady(ctx, health.get()));
        Routes.get(router, "/health/write", ctx -> NodeHealth.sendWrite(ctx, health.get()));
        // Encoded once, like a cached listing: every coding ready, each with its ETag.
        Encoded openApiBody = Encoded.of(Buffer.buffer(openApi), ETags.ofContent(openApi), null, null, 0);
        Routes.get(router, "/openapi.json", ctx -> ResponseHeaders.send(ctx, ctx.response()
                .putHeader("Cache-Control", "public, max-age=300").putHeader("Vary", "Accept-Encoding"), openApiBody));
        if (benchRoutes) {
            Buffer ceiling = ListingJson.encode(CeilingSample.listing());
            Routes.get(router, "/bench/static", ctx -> ctx.response().putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store").end(ceiling));
        }
    }

    /** RUM beacons, then the web page as the catch-all GET. */
    void mountPage(Router router) {
        Routes.route(router, HttpMethod.POST, "/rum").handler(OperationsRoutes::rumSize);
        router.route(HttpMethod.POST, "/rum").handler(BodyHandler.create(false).setBodyLimit(RumEndpoint.MAX_BODY_BYTES))
                .handler(ctx -> {
                    if (rum == null) {
                        new Problem(404, "not-found", "Not found", "real-user monitoring is off", null).send(ctx.response());
                    } else {
                        rum.handle(ctx, Routes.clientAddress(ctx, proxies));
                    }
                });
        // The fingerprinted, precompressed web page (StaticAssets).
        router.route(HttpMethod.GET, "/*").method(HttpMethod.HEAD).handler(ctx -> {
            ctx.put(HttpMetrics.ROUTE_KEY, "/static");
            ctx.next();
        }).handler(assets::handle);
    }

    /** The management port's own routes: metrics and admin. */
    void mountManagement(Router router) {
        // GET only here: HEAD is for the public resources, and a scrape costs the same with or without a body.
        Routes.route(router, HttpMethod.GET, "/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .putHeader("Cache-Control", "no-store").end(scrape.get()));
        Routes.write(router, HttpMethod.POST, "/admin/cache/invalidate", Routes.body(), admin::invalidate);
        Routes.route(router, HttpMethod.GET, "/admin/db/slow").handler(ctx -> admin.slowQueries(ctx, slowQueries));
    }

    private static void rumSize(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > RumEndpoint.MAX_BODY_BYTES) {
            if (ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
                ctx.response().putHeader("Connection", "close"); // the unread body would be parsed as the next request
            }
            new Problem(413, "payload-too-large", "Payload too large",
                    "a RUM beacon is at most " + RumEndpoint.MAX_BODY_BYTES + " bytes", "body").send(ctx.response());
            return;
        }
        ctx.next();
    }

    private static byte[] resource(String name) {
        try (InputStream in = HttpApi.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
