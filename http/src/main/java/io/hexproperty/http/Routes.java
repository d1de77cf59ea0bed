package io.hexproperty.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * How every route is declared: tagged with its path template for the metrics, writes guarded by
 * content type and declared length before the body is read, and asynchronous results turned into
 * a response or a problem.
 */
final class Routes {
    static final long MAX_BODY_BYTES = HttpApi.MAX_BODY_BYTES;

    private Routes() {}

    static Route route(Router router, HttpMethod method, String path) {
        return router.route(method, path).handler(ctx -> {
            ctx.put(HttpMetrics.ROUTE_KEY, path);
            ctx.next();
        });
    }

    /** A GET route that answers HEAD too (RFC 9110 9.3.2): same handler, Vert.x drops the body. */
    static void get(Router router, String path, Handler<RoutingContext> handler) {
        route(router, HttpMethod.GET, path).method(HttpMethod.HEAD).handler(handler);
    }

    static BodyHandler body() {
        return BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    }

    static void write(Router router, HttpMethod method, String path, BodyHandler body, Handler<RoutingContext> handler) {
        // Content type and declared length are checked before the body is read (separate routes, since
        // Vert.x wants a BodyHandler first on its route).
        route(router, method, path).handler(Routes::requireJson);
        router.route(method, path).handler(body).handler(handler);
    }

    private static void requireJson(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        String mime = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mime.equals("application/json") && !mime.equals("application/merge-patch+json")) {
            new Problem(415, "unsupported-media-type", "Unsupported media type",
                    "Content-Type must be application/json", "Content-Type").send(ctx.response());
            return;
        }
        String length = ctx.request().getHeader("Content-Length");
        if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > MAX_BODY_BYTES) {
            tooLarge(ctx);
            return;
        }
        ctx.next();
    }

    static void tooLarge(RoutingContext ctx) {
        if (ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            // The unread rest of the body would otherwise be parsed as the next request.
            ctx.response().putHeader("Connection", "close");
        }
        new Problem(413, "payload-too-large", "Payload too large",
                "request body exceeds " + MAX_BODY_BYTES + " bytes", "body").send(ctx.response());
    }

    /** The last route of a router: a problem for any path nothing else answered. */
    static void notFoundLast(Router router) {
        router.route().last().handler(ctx -> new Problem(404, "not-found", "Not found",
                "no resource at " + SearchParameters.clip(ctx.request().path()), null).send(ctx.response()));
        router.route().failureHandler(ProblemMapping::failure);
    }

    /**
     * The client's address: the TCP peer, or, when the peer is one of {@code proxies}, the address it forwarded
     * in X-Forwarded-For ({@link TrustedProxies#clientOf}). Never fails: garbage resolves to the peer.
     */
    static String clientAddress(RoutingContext ctx, TrustedProxies proxies) {
        var address = ctx.request().remoteAddress();
        String host = address == null ? null : address.hostAddress();
        return proxies.clientOf(host, proxies.isNone() ? java.util.List.of()
                : ctx.request().headers().getAll(TrustedProxies.X_FORWARDED_FOR));
    }

    /** Runs {@code onSuccess} with the result, or turns the failure into a problem response. */
    static <T> void reply(RoutingContext ctx, CompletionStage<T> stage, Consumer<T> onSuccess) {
        stage.whenComplete((value, err) -> {
            if (err != null) {
                ProblemMapping.sendFailure(ctx, err);
                return;
            }
            try {
                onSuccess.accept(value);
            } catch (RuntimeException e) {
                ProblemMapping.sendFailure(ctx, e);
            }
        });
    }
}
