package io.hexproperty.http;

import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.port.in.AgentAuthentication;
import io.hexproperty.domain.port.in.IdempotencyKeys;
import io.hexproperty.domain.port.in.ListingCommands;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The HTTP adapter: routes of API v1 ({@link ListingRoutes}), health, OpenAPI and the web page
 * ({@link OperationsRoutes}) on the public port; metrics, admin and dashboard on the management port
 * ({@link #managementRouter}). Routing is plain code; failures become RFC 9457 problems
 * ({@link ProblemMapping}), shared headers and content negotiation live in {@link ResponseHeaders}.
 */
public final class HttpApi {
    public static final long MAX_BODY_BYTES = 64 * 1024;

    private final HttpMetrics metrics;
    private final ListingRoutes listings;
    private final OperationsRoutes operations;

    private HttpApi(Builder b) {
        ResponseCache cache = Objects.requireNonNull(b.cache, "cache");
        ListingCommands commands = Objects.requireNonNull(b.commands, "commands");
        AgentAuthentication agents = Objects.requireNonNull(b.authentication, "authentication");
        Supplier<CompletionStage<NodeHealth>> health = b.health;
        if (health == null) {
            Supplier<CompletionStage<Boolean>> readiness = Objects.requireNonNull(b.readiness, "readiness or health");
            health = () -> readiness.get().thenApply(NodeHealth::of);
        }
        Supplier<String> scrape = Objects.requireNonNull(b.scrape, "scrape");
        this.metrics = new HttpMetrics(Objects.requireNonNull(b.registry, "registry"));
        Clock clock = Objects.requireNonNull(b.clock, "clock");
        if (b.adminToken == null || b.adminToken.length() < 16) {
            throw new IllegalArgumentException("the admin token must be at least 16 characters");
        }
        InquiryLimiter limiter = b.inquiryLimits != null ? b.inquiryLimits
                : InquiryLimiter.local(InquiryLimiter.Config.defaults(), b.registry);
        this.listings = new ListingRoutes(cache, commands, agents, clock, b.viewed, new IdempotentWrites(b.idempotency), limiter,
                b.writeGate, b.trustedProxies);
        this.operations = new OperationsRoutes(health, scrape, b.slowQueries, b.benchRoutes, b.rum,
                new AdminRoutes(b.adminToken, b.invalidation != null ? b.invalidation : CacheInvalidation.local(cache)),
                b.trustedProxies);
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
        private Consumer<ListingKey> viewed = key -> { };
        private Supplier<String> slowQueries;
        private boolean benchRoutes;
        private RumEndpoint rum;
        private Supplier<CompletionStage<NodeHealth>> health;
        private WriteGate writeGate = WriteGate.none();
        private CacheInvalidation invalidation;

        private IdempotencyKeys idempotency = IdempotencyKeys.none();
        private InquiryLimiter inquiryLimits;
        private TrustedProxies trustedProxies = TrustedProxies.none();

        private Builder() {}

        /** Optional, instead of {@link #readiness}: what the node can do, for /health/ready (serve) and /health/write. */
        public Builder health(Supplier<CompletionStage<NodeHealth>> value) {
            this.health = Objects.requireNonNull(value);
            return this;
        }

        /** Optional, default {@link WriteGate#none()}: refuses writes fast while the primary is down. */
        public Builder writeGate(WriteGate value) {
            this.writeGate = Objects.requireNonNull(value);
            return this;
        }

        /** Optional, default {@link CacheInvalidation#local}: what the admin invalidation reaches. */
        public Builder invalidation(CacheInvalidation value) {
            this.invalidation = Objects.requireNonNull(value);
            return this;
        }

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
        public Builder onListingViewed(Consumer<ListingKey> value) {
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

        /** Optional, default {@link IdempotencyKeys#none()}: where {@code Idempotency-Key}s of POSTs are kept. */
        public Builder idempotency(IdempotencyKeys value) {
            this.idempotency = Objects.requireNonNull(value);
            return this;
        }

        /** Optional, default {@link InquiryLimiter.Config#defaults()}: rate limits of inquiries. */
        public Builder inquiryLimits(InquiryLimiter value) {
            this.inquiryLimits = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Optional, default {@link TrustedProxies#none()}: the peers whose X-Forwarded-For names the client (for
         * the inquiry and RUM rate limits); from anyone else the header is ignored.
         */
        public Builder trustedProxies(TrustedProxies value) {
            this.trustedProxies = Objects.requireNonNull(value);
            return this;
        }

        public HttpApi build() {
            return new HttpApi(this);
        }
    }


    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.route().handler(metrics::start);
        operations.mountHealth(router);
        listings.mount(router);
        operations.mountPage(router);
        Routes.notFoundLast(router);
        router.errorHandler(405, ctx -> new Problem(405, "method-not-allowed", "Method not allowed",
                ctx.request().method() + " is not allowed here", null).send(ctx.response()));
        return router;
    }

    /**
     * The management port's routes: {@code /metrics}, {@code /admin/*}, and what {@code extra} adds
     * (the dashboard). Kept off the public port so that neither the admin surface nor the metrics
     * are reachable from where the API is; bind it to loopback or a private network.
     */
    public Router managementRouter(Vertx vertx, Consumer<Router> extra) {
        Router router = Router.router(vertx);
        router.route().handler(metrics::start);
        operations.mountManagement(router);
        extra.accept(router);
        Routes.notFoundLast(router);
        return router;
    }

    /** Exposed for the OpenAPI conformance test. */
    public static List<String> searchParameterNames() {
        return SearchParameters.NAMES;
    }
}
