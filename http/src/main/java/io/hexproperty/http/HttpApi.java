package io.hexproperty.http;

import io.hexproperty.domain.Agent;
import io.hexproperty.domain.Committed;
import io.hexproperty.domain.DomainException;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingNotFoundException;
import io.hexproperty.domain.NotOwnerException;
import io.hexproperty.domain.VersionConflictException;
import io.hexproperty.domain.port.in.AgentAuthentication;
import io.hexproperty.domain.port.in.ListingCommands;
import io.hexproperty.domain.port.in.ListingQueries;
import io.hexproperty.domain.port.out.StoreUnavailableException;
import io.hexproperty.geo.H3Cells;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP adapter: routes of API v1, health, OpenAPI and the web page on the public port; metrics,
 * admin and dashboard on the management port ({@link #managementRouter}). Routing is plain
 * code; each handler parses, calls a use case, and maps the outcome (or the domain exception) to a
 * response. Every failure path ends in an RFC 9457 problem; nothing internal leaks to clients.
 */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    public static final long MAX_BODY_BYTES = 64 * 1024;
    // Browsers revalidate after 30 s (cheap: 304 from the version); shared caches keep 60 s and are
    // purged on change; both may serve stale while revalidating, and for 5 min if the origin errors.
    static final String DETAIL_CACHE_CONTROL =
            "public, max-age=30, s-maxage=60, stale-while-revalidate=30, stale-if-error=300";
    static final String DETAIL_CDN_CACHE_CONTROL = "max-age=300, stale-while-revalidate=60, stale-if-error=3600";
    static final String SEARCH_CACHE_CONTROL =
            "public, max-age=10, s-maxage=15, stale-while-revalidate=10, stale-if-error=120";
    static final String SEARCH_CDN_CACHE_CONTROL = "max-age=30, stale-while-revalidate=10, stale-if-error=600";

    private final ResponseCache cache;
    private final ListingCommands commands;
    private final AgentAuthentication agents;
    private final Supplier<CompletionStage<Boolean>> readiness;
    private final Supplier<String> scrape;
    private final HttpMetrics metrics;
    private final Clock clock;
    private final SearchParameters searchParameters;
    private final byte[] openApi;
    private final AdminRoutes admin;
    private final StaticAssets assets = StaticAssets.webroot();
    // --- caching: listing views counted write-behind ---
    private final java.util.function.Consumer<ListingKey> viewed;


    private void countView(ListingKey key) {
        try {
            viewed.accept(key);
        } catch (RuntimeException e) {
            LOG.debug("view of {} not counted: {}", key, e.toString());
        }
    }
    // --- end caching ---
    private final Supplier<String> slowQueries;
    private final boolean benchRoutes;
    private static final CharSequence H_CONSISTENCY_TOKEN = io.vertx.core.http.HttpHeaders.createOptimized(Committed.TOKEN_HEADER);


    private HttpApi(Builder b) {
        this.cache = Objects.requireNonNull(b.cache, "cache");
        this.commands = Objects.requireNonNull(b.commands, "commands");
        this.agents = Objects.requireNonNull(b.authentication, "authentication");
        this.readiness = Objects.requireNonNull(b.readiness, "readiness");
        this.scrape = Objects.requireNonNull(b.scrape, "scrape");
        this.metrics = new HttpMetrics(Objects.requireNonNull(b.registry, "registry"));
        this.clock = Objects.requireNonNull(b.clock, "clock");
        this.searchParameters = new SearchParameters(H3Cells.core());
        this.openApi = resource("openapi.json");
        if (b.adminToken == null || b.adminToken.length() < 16) {
            throw new IllegalArgumentException("the admin token must be at least 16 characters");
        }
        this.admin = new AdminRoutes(b.adminToken, cache);
        this.viewed = b.viewed;
        this.slowQueries = b.slowQueries;
        this.benchRoutes = b.benchRoutes;
        this.rum = b.rum;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What the API serves from; every setter but the optional ones (marked) is required. */
    public static final class Builder {
        private ResponseCache cache;
        private ListingCommands commands;
        private AgentAuthentication authentication;
        private Supplier<CompletionStage<Boolean>> readiness;
        private MeterRegistry registry;
        private Supplier<String> scrape;
        private Clock clock = Clock.systemUTC();
        private String adminToken;
        private java.util.function.Consumer<ListingKey> viewed = key -> { };
        private Supplier<String> slowQueries;
        private boolean benchRoutes;
        private RumEndpoint rum;

        private Builder() {}

        /** Reads: the cached listing queries (ResponseCache.disabled for none). */
        public Builder cache(ResponseCache value) {
            this.cache = value;
            return this;
        }

        public Builder commands(ListingCommands value) {
            this.commands = value;
            return this;
        }

        /** Who a bearer token belongs to, for writes. */
        public Builder authentication(AgentAuthentication value) {
            this.authentication = value;
            return this;
        }

        /** {@code /health/ready}: completes true when the stores answer. */
        public Builder readiness(Supplier<CompletionStage<Boolean>> value) {
            this.readiness = value;
            return this;
        }

        /** Where HTTP metrics go, and the {@code /metrics} text. */
        public Builder metrics(MeterRegistry value, Supplier<String> scrapeText) {
            this.registry = value;
            this.scrape = scrapeText;
            return this;
        }

        /** Optional, default the system UTC clock. */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** The bearer token of the /admin routes, at least 16 characters. */
        public Builder adminToken(String value) {
            this.adminToken = value;
            return this;
        }

        /**
         * Optional: called on the event loop after each listing detail response is sent
         * (fire-and-forget: it must only enqueue, e.g. a write-behind increment).
         */
        public Builder onListingViewed(java.util.function.Consumer<ListingKey> value) {
            this.viewed = Objects.requireNonNull(value);
            return this;
        }

        /** Optional: {@code GET /admin/db/slow} serves this (the slow-query sampler's JSON); else 404. */
        public Builder slowQueries(Supplier<String> source) {
            this.slowQueries = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Optional, off: also serve {@code GET /bench/static} ({@code serve --bench-routes}). */
        public Builder benchRoutes(boolean enabled) {
            this.benchRoutes = enabled;
            return this;
        }

        /** Optional: accept real-user-monitoring beacons at {@code POST /rum}; else that route answers 404. */
        public Builder rum(RumEndpoint value) {
            this.rum = Objects.requireNonNull(value);
            return this;
        }

        public HttpApi build() {
            return new HttpApi(this);
        }
    }


    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.route().handler(metrics::start);

        get(router, "/health/live", ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store").end("{\"status\":\"UP\"}"));
        get(router, "/health/ready", this::ready);
        get(router, "/openapi.json", ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "public, max-age=300").end(io.vertx.core.buffer.Buffer.buffer(openApi)));

        if (benchRoutes) {
            io.vertx.core.buffer.Buffer ceiling = ListingJson.encode(CeilingSample.listing());
            get(router, "/bench/static", ctx -> ctx.response().putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store").end(ceiling));
        }
        get(router, "/api/v1/listings/:listingKey", this::getListing);
        get(router, "/api/v1/listings", this::search);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
        write(router, HttpMethod.POST, "/api/v1/listings", body, this::createListing);
        write(router, HttpMethod.PATCH, "/api/v1/listings/:listingKey", body, this::patchListing);
        route(router, HttpMethod.DELETE, "/api/v1/listings/:listingKey").handler(this::deleteListing);
        write(router, HttpMethod.POST, "/api/v1/inquiries", body, this::inquire);
        // --- observability: real-user monitoring beacons (RumEndpoint) ---
        route(router, HttpMethod.POST, "/rum").handler(HttpApi::rumSize);
        router.route(HttpMethod.POST, "/rum").handler(BodyHandler.create(false).setBodyLimit(RumEndpoint.MAX_BODY_BYTES))
                .handler(ctx -> {
                    RumEndpoint endpoint = rum;
                    if (endpoint == null) {
                        new Problem(404, "not-found", "Not found", "real-user monitoring is off", null).send(ctx.response());
                    } else {
                        endpoint.handle(ctx);
                    }
                });

        router.route(HttpMethod.GET, "/*").handler(ctx -> {
            ctx.put(HttpMetrics.ROUTE_KEY, "/static");
            ctx.next();
        }).handler(assets::handle); // --- caching: fingerprinted, precompressed web page (StaticAssets) ---

        router.route().last().handler(ctx -> new Problem(404, "not-found", "Not found",
                "no resource at " + SearchParameters.clip(ctx.request().path()), null).send(ctx.response()));
        router.route().failureHandler(this::failure);
        router.errorHandler(405, ctx -> new Problem(405, "method-not-allowed", "Method not allowed",
                ctx.request().method() + " is not allowed here", null).send(ctx.response()));
        return router;
    }

    /**
     * The management port's routes: {@code /metrics}, {@code /admin/*}, and what {@code extra} adds
     * (the dashboard). Kept off the public port so that neither the admin surface nor the metrics
     * are reachable from where the API is; bind it to loopback or a private network.
     */
    public Router managementRouter(Vertx vertx, java.util.function.Consumer<Router> extra) {
        Router router = Router.router(vertx);
        router.route().handler(metrics::start);
        get(router, "/metrics", ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .putHeader("Cache-Control", "no-store").end(scrape.get()));
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
        write(router, HttpMethod.POST, "/admin/cache/invalidate", body, admin::invalidate);
        get(router, "/admin/db/slow", ctx -> admin.slowQueries(ctx, slowQueries));
        extra.accept(router);
        router.route().last().handler(ctx -> new Problem(404, "not-found", "Not found",
                "no resource at " + SearchParameters.clip(ctx.request().path()), null).send(ctx.response()));
        router.route().failureHandler(this::failure);
        return router;
    }

    private final RumEndpoint rum;

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

    private io.vertx.ext.web.Route route(Router router, HttpMethod method, String path) {
        return router.route(method, path).handler(ctx -> {
            ctx.put(HttpMetrics.ROUTE_KEY, path);
            ctx.next();
        });
    }

    private void get(Router router, String path, Handler<RoutingContext> handler) {
        route(router, HttpMethod.GET, path).handler(handler);
    }

    private void write(Router router, HttpMethod method, String path, BodyHandler body, Handler<RoutingContext> handler) {
        // Content type and declared length are checked before the body is read (separate routes, since
        // Vert.x wants a BodyHandler first on its route).
        route(router, method, path).handler(HttpApi::requireJson);
        router.route(method, path).handler(body).handler(handler);
    }

    private static void requireJson(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        String mime = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
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

    private void ready(RoutingContext ctx) {
        readiness.get().whenComplete((ok, err) -> {
            boolean up = err == null && Boolean.TRUE.equals(ok);
            ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\",\"database\":\"unreachable\"}");
        });
    }

    private void getListing(RoutingContext ctx) {
        ListingKey key = pathKey(ctx);
        if (key == null) {
            return;
        }
        String token = ctx.request().getHeader(H_CONSISTENCY_TOKEN);
        if (token != null) {
            // The client wrote something and wants to see it: skip every cache, read a node that has it.
            reply(ctx, cache.listingAfter(key, token), found -> {
                if (found.isEmpty()) {
                    notFound(ctx, key);
                } else {
                    sendListing(ctx, found.get());
                }
            });
            return;
        }
        // The hot path: a fresh hit is answered right here on the event loop from pre-encoded bytes.
        var hit = cache.listingIfFresh(key);
        if (hit.isPresent()) {
            sendListing(ctx, hit.get());
            countView(key);
            return;
        }
        reply(ctx, cache.listing(key), found -> {
            if (found.isEmpty()) {
                notFound(ctx, key);
            } else {
                sendListing(ctx, found.get());
                countView(key);
            }
        });
    }

    // Header names and constant values pre-encoded once (Netty AsciiString): the detail hit path sets eight.
    private static final CharSequence H_ETAG = io.vertx.core.http.HttpHeaders.createOptimized("ETag");
    private static final CharSequence H_LAST_MODIFIED = io.vertx.core.http.HttpHeaders.createOptimized("Last-Modified");
    private static final CharSequence H_CACHE_CONTROL = io.vertx.core.http.HttpHeaders.createOptimized("Cache-Control");
    private static final CharSequence H_CDN_CACHE_CONTROL = io.vertx.core.http.HttpHeaders.createOptimized("CDN-Cache-Control");
    private static final CharSequence H_SURROGATE_KEY = io.vertx.core.http.HttpHeaders.createOptimized("Surrogate-Key");
    private static final CharSequence H_CACHE_TAG = io.vertx.core.http.HttpHeaders.createOptimized("Cache-Tag");
    private static final CharSequence H_VARY = io.vertx.core.http.HttpHeaders.createOptimized("Vary");
    private static final CharSequence V_ACCEPT_ENCODING = io.vertx.core.http.HttpHeaders.createOptimized("Accept-Encoding");
    private static final CharSequence V_DETAIL_CACHE_CONTROL = io.vertx.core.http.HttpHeaders.createOptimized(DETAIL_CACHE_CONTROL);
    private static final CharSequence V_DETAIL_CDN = io.vertx.core.http.HttpHeaders.createOptimized(DETAIL_CDN_CACHE_CONTROL);

    private static void sendListing(RoutingContext ctx, Encoded listing) {
        HttpServerResponse res = ctx.response()
                .putHeader(H_ETAG, listing.etag())
                .putHeader(H_LAST_MODIFIED, listing.lastModified())
                .putHeader(H_CACHE_CONTROL, V_DETAIL_CACHE_CONTROL)
                .putHeader(H_CDN_CACHE_CONTROL, V_DETAIL_CDN)
                .putHeader(H_SURROGATE_KEY, listing.surrogateKeys())
                .putHeader(H_CACHE_TAG, listing.surrogateKeys().replace(' ', ','))
                .putHeader(H_VARY, V_ACCEPT_ENCODING);
        if (ETags.matchesNoneMatch(ctx.request().getHeader("If-None-Match"), listing.etag())) {
            res.setStatusCode(304).end();
            return;
        }
        sendBody(ctx, res, listing);
    }

    /** Writes the precompressed body when the client takes gzip, else the identity bytes. */
    private static void sendBody(RoutingContext ctx, HttpServerResponse res, Encoded body) {
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

    private void search(RoutingContext ctx) {
        var query = searchParameters.parse(ctx.queryParams());
        reply(ctx, cache.search(query), page -> {
            HttpServerResponse res = ctx.response()
                    .putHeader("Cache-Control", SEARCH_CACHE_CONTROL)
                    .putHeader("CDN-Cache-Control", SEARCH_CDN_CACHE_CONTROL)
                    .putHeader("Surrogate-Key", page.surrogateKeys())
                    .putHeader("Cache-Tag", page.surrogateKeys().replace(' ', ','))
                    .putHeader("Vary", "Accept-Encoding");
            sendBody(ctx, res, page);
        });
    }

    private void createListing(RoutingContext ctx) {
        authenticated(ctx, agent -> {
            var draft = ListingBodies.draft(ctx.body().buffer(), LocalDate.now(clock));
            reply(ctx, withToken(ctx, commands.createCommitted(agent, draft)), created -> ctx.response().setStatusCode(201)
                    .putHeader("Location", "/api/v1/listings/" + created.listingKey().value())
                    .putHeader("ETag", ETags.of(created.version()))
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("Content-Type", "application/json")
                    .end(cache.written(created).identity()));
        });
    }

    private void patchListing(RoutingContext ctx) {
        ListingKey key = pathKey(ctx);
        if (key == null) {
            return;
        }
        authenticated(ctx, agent -> {
            OptionalLong ifMatch = ETags.parseIfMatch(ctx.request().getHeader("If-Match"));
            var patch = ListingBodies.patch(ctx.body().buffer());
            reply(ctx, withToken(ctx, commands.updateCommitted(agent, key, patch, ifMatch)), updated -> ctx.response()
                    .putHeader("ETag", ETags.of(updated.version()))
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("Content-Type", "application/json")
                    .end(cache.written(updated).identity()));
        });
    }

    private void deleteListing(RoutingContext ctx) {
        ListingKey key = pathKey(ctx);
        if (key == null) {
            return;
        }
        authenticated(ctx, agent -> reply(ctx, withToken(ctx, commands.deleteCommitted(agent, key)), deleted -> {
            if (deleted) {
                cache.deleted(key);
                ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
            } else {
                notFound(ctx, key);
            }
        }));
    }

    private void inquire(RoutingContext ctx) {
        var draft = ListingBodies.inquiry(ctx.body().buffer());
        reply(ctx, commands.inquire(draft), inquiry -> ctx.response().setStatusCode(201)
                .putHeader("Cache-Control", "no-store")
                .putHeader("Content-Type", "application/json")
                .end("{\"id\":" + inquiry.id() + ",\"ListingKey\":\"" + inquiry.listingKey().value()
                        + "\",\"createdAt\":\"" + inquiry.createdAt() + "\"}"));
    }

    /** Puts the token the write returned with it on the response (stores with a single copy return none). */
    private static <T> CompletionStage<T> withToken(RoutingContext ctx, CompletionStage<Committed<T>> write) {
        return write.thenApply(committed -> {
            committed.token().ifPresent(token -> ctx.response().putHeader(H_CONSISTENCY_TOKEN, token));
            return committed.value();
        });
    }

    private void authenticated(RoutingContext ctx, java.util.function.Consumer<Agent> action) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() > 300) {
            unauthorized(ctx, header == null ? "an agent token is required: Authorization: Bearer <token>"
                    : "Authorization must be 'Bearer <token>'");
            return;
        }
        String token = header.substring(7).strip();
        reply(ctx, agents.authenticate(token), agent -> {
            if (agent.isEmpty()) {
                unauthorized(ctx, "the bearer token is not valid");
            } else {
                action.accept(agent.get());
            }
        });
    }

    private static void unauthorized(RoutingContext ctx, String detail) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"hexproperty\"");
        new Problem(401, "unauthorized", "Unauthorized", detail, "Authorization").send(ctx.response());
    }

    private static ListingKey pathKey(RoutingContext ctx) {
        String raw = ctx.pathParam("listingKey");
        if (!ListingKey.isValid(raw)) {
            // A key that cannot exist is simply not found; a 400 would reveal nothing more useful.
            new Problem(404, "not-found", "Not found", "no listing with ListingKey '"
                    + SearchParameters.clip(raw == null ? "" : raw) + "'", "listingKey").send(ctx.response());
            return null;
        }
        return ListingKey.of(raw);
    }

    private static void notFound(RoutingContext ctx, ListingKey key) {
        new Problem(404, "not-found", "Not found", "no listing with ListingKey " + key, "listingKey")
                .send(ctx.response());
    }

    /** Runs {@code onSuccess} with the result, or turns the failure into a problem response. */
    private <T> void reply(RoutingContext ctx, CompletionStage<T> stage, java.util.function.Consumer<T> onSuccess) {
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

    private void failure(RoutingContext ctx) {
        ProblemMapping.failure(ctx);
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

    /** Exposed for the OpenAPI conformance test. */
    public static java.util.List<String> searchParameterNames() {
        return SearchParameters.NAMES;
    }
}
