package io.hexproperty.http;

import static io.hexproperty.http.ResponseHeaders.CACHE_CONTROL;
import static io.hexproperty.http.ResponseHeaders.CACHE_TAG;
import static io.hexproperty.http.ResponseHeaders.CDN_CACHE_CONTROL;
import static io.hexproperty.http.ResponseHeaders.LAST_MODIFIED;
import static io.hexproperty.http.ResponseHeaders.SURROGATE_KEY;
import static io.hexproperty.http.ResponseHeaders.VARY;
import static io.hexproperty.http.ResponseHeaders.ACCEPT_ENCODING;
import static io.hexproperty.http.ResponseHeaders.V_DETAIL_CACHE_CONTROL;
import static io.hexproperty.http.ResponseHeaders.V_DETAIL_CDN;
import static io.hexproperty.http.Routes.reply;

import io.hexproperty.domain.Agent;
import io.hexproperty.domain.Committed;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.port.in.AgentAuthentication;
import io.hexproperty.domain.port.in.ListingCommands;
import io.hexproperty.geo.H3Cells;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.LocalDate;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API v1 listing routes: detail and search (reads through the response cache), create, patch and
 * delete (agents, by bearer token), and inquiries. Each handler parses, calls a use case, and maps
 * the outcome to a response; failures go to {@link ProblemMapping}.
 */
final class ListingRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ListingRoutes.class);
    private static final CharSequence H_CONSISTENCY_TOKEN = HttpHeaders.createOptimized(Committed.TOKEN_HEADER);

    private final ResponseCache cache;
    private final ListingCommands commands;
    private final AgentAuthentication agents;
    private final Clock clock;
    private final SearchParameters searchParameters;
    // Listing views are counted write-behind.
    private final Consumer<ListingKey> viewed;
    private final IdempotentWrites idempotent;
    private final InquiryLimiter inquiryLimits;
    private final WriteGate writeGate;
    private final TrustedProxies proxies;

    ListingRoutes(ResponseCache cache, ListingCommands commands, AgentAuthentication agents, Clock clock,
            Consumer<ListingKey> viewed, IdempotentWrites idempotent, InquiryLimiter inquiryLimits, WriteGate writeGate,
            TrustedProxies proxies) {
        this.proxies = proxies;
        this.idempotent = idempotent;
        this.inquiryLimits = inquiryLimits;
        this.writeGate = writeGate;
        this.cache = cache;
        this.commands = commands;
        this.agents = agents;
        this.clock = clock;
        this.searchParameters = new SearchParameters(H3Cells.core(), cache.cursorSigner()); // cursors signed by the server key
        this.viewed = viewed;
    }

    void mount(Router router) {
        Routes.get(router, "/api/v1/listings/:listingKey", this::getListing);
        Routes.get(router, "/api/v1/listings", this::search);
        BodyHandler body = Routes.body();
        // Writes fail fast (503 + Retry-After) while the primary is known to be down (ADR 0016).
        Routes.route(router, HttpMethod.POST, "/api/v1/listings").handler(writeGate::handle);
        Routes.route(router, HttpMethod.PATCH, "/api/v1/listings/:listingKey").handler(writeGate::handle);
        Routes.route(router, HttpMethod.DELETE, "/api/v1/listings/:listingKey").handler(writeGate::handle);
        Routes.route(router, HttpMethod.POST, "/api/v1/inquiries").handler(writeGate::handle);
        Routes.write(router, HttpMethod.POST, "/api/v1/listings", body, this::createListing);
        Routes.write(router, HttpMethod.PATCH, "/api/v1/listings/:listingKey", body, this::patchListing);
        Routes.route(router, HttpMethod.DELETE, "/api/v1/listings/:listingKey").handler(this::deleteListing);
        Routes.write(router, HttpMethod.POST, "/api/v1/inquiries", body, this::inquire);
    }

    /**
     * {@code Sec-Purpose: prefetch} (the Fetch standard's marker for speculative loads, which analytics do not
     * count either) is not a view: browsers' prefetches and the cluster's warm-up of standby workers send it.
     */
    private static boolean prefetch(RoutingContext ctx) {
        String purpose = ctx.request().getHeader("Sec-Purpose");
        return purpose != null && purpose.toLowerCase(java.util.Locale.ROOT).startsWith("prefetch");
    }

    private void countView(ListingKey key) {
        try {
            viewed.accept(key);
        } catch (RuntimeException e) {
            LOG.debug("view of {} not counted: {}", key, e.toString());
        }
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
        boolean prefetch = prefetch(ctx);
        if (hit.isPresent()) {
            sendListing(ctx, hit.get());
            if (!prefetch) {
                countView(key);
            }
            return;
        }
        reply(ctx, cache.listingServed(key), found -> {
            if (found.isEmpty()) {
                notFound(ctx, key);
            } else {
                age(ctx.response(), found.get());
                sendListing(ctx, found.get().value());
                if (!prefetch) {
                    countView(key);
                }
            }
        });
    }

    /**
     * {@code Age} (RFC 9111 5.1): seconds since the body was read from the database, when at least one.
     * Served stale while the database fails, it exceeds max-age, and clients and shared caches see it.
     * Fresh detail hits skip it: they are answered on the hot path, and their age is within the L1 TTL.
     */
    private static void age(HttpServerResponse res, ResponseCache.Served served) {
        if (served.ageSeconds() > 0) {
            res.putHeader(ResponseHeaders.AGE, Long.toString(served.ageSeconds()));
        }
    }

    private static void sendListing(RoutingContext ctx, Encoded listing) {
        HttpServerResponse res = ctx.response()
                .putHeader(LAST_MODIFIED, listing.lastModified())
                .putHeader(CACHE_CONTROL, V_DETAIL_CACHE_CONTROL)
                .putHeader(CDN_CACHE_CONTROL, V_DETAIL_CDN)
                .putHeader(SURROGATE_KEY, listing.surrogateKeys())
                .putHeader(CACHE_TAG, listing.surrogateKeys().replace(' ', ','))
                .putHeader(VARY, ACCEPT_ENCODING);
        ResponseHeaders.send(ctx, res, listing);
    }

    private void search(RoutingContext ctx) {
        var query = searchParameters.parse(ctx.queryParams());
        reply(ctx, cache.searchServed(query), served -> {
            Encoded page = served.value();
            age(ctx.response(), served);
            HttpServerResponse res = ctx.response()
                    .putHeader("Cache-Control", ResponseHeaders.SEARCH_CACHE_CONTROL)
                    .putHeader("CDN-Cache-Control", ResponseHeaders.SEARCH_CDN_CACHE_CONTROL)
                    .putHeader("Surrogate-Key", page.surrogateKeys())
                    .putHeader("Cache-Tag", page.surrogateKeys().replace(' ', ','))
                    .putHeader("Vary", "Accept-Encoding");
            ResponseHeaders.send(ctx, res, page);
        });
    }

    private void createListing(RoutingContext ctx) {
        authenticated(ctx, agent -> {
            var draft = ListingBodies.draft(ctx.body().buffer(), LocalDate.now(clock));
            idempotent.run(ctx, "POST /api/v1/listings agent:" + agent.agentKey(), sink ->
                    reply(ctx, withToken(ctx, commands.createCommitted(agent, draft)), created -> sink.accept(
                            new IdempotentWrites.Reply(201, java.util.List.of(
                                    "Location", "/api/v1/listings/" + created.listingKey().value(),
                                    "ETag", ETags.of(created.version()),
                                    "Cache-Control", "no-store",
                                    "Content-Type", "application/json"), cache.written(created).identity()))));
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
        // Limits count valid inquiries only: a malformed one costs the sender a 400, not a token.
        reply(ctx, inquiryLimits.acquire(Routes.clientAddress(ctx, proxies), draft.listingKey().value()), refused -> {
            if (refused.isPresent()) {
                InquiryLimiter.Refusal r = refused.get();
                ctx.response().putHeader("Retry-After", Long.toString(r.retryAfterSeconds()));
                new Problem(429, "rate-limited", "Too many requests", "at most " + r.rate() + " inquiries "
                        + (r.limit().equals("client") ? "from one client" : "to one listing") + "; retry in "
                        + r.retryAfterSeconds() + " s", r.parameter()).send(ctx.response());
                return;
            }
            idempotent.run(ctx, "POST /api/v1/inquiries", sink -> reply(ctx, commands.inquire(draft), inquiry -> sink.accept(
                    new IdempotentWrites.Reply(201, java.util.List.of("Cache-Control", "no-store", "Content-Type", "application/json"),
                            io.vertx.core.buffer.Buffer.buffer("{\"id\":" + inquiry.id() + ",\"ListingKey\":\""
                                    + inquiry.listingKey().value() + "\",\"createdAt\":\"" + inquiry.createdAt() + "\"}")))));
        });
    }

    /** Puts the token the write returned with it on the response (stores with a single copy return none). */
    private static <T> CompletionStage<T> withToken(RoutingContext ctx, CompletionStage<Committed<T>> write) {
        return write.thenApply(committed -> {
            committed.token().ifPresent(token -> ctx.response().putHeader(H_CONSISTENCY_TOKEN, token));
            return committed.value();
        });
    }

    private void authenticated(RoutingContext ctx, Consumer<Agent> action) {
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
            // The path breaks the documented pattern: the request is malformed, not the listing missing.
            Problem.badParameter("listingKey", "must be 1-64 letters, digits, '-' or '_' (pattern "
                    + "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$), got '" + SearchParameters.clip(raw == null ? "" : raw) + "'")
                    .send(ctx.response());
            return null;
        }
        return ListingKey.of(raw);
    }

    private static void notFound(RoutingContext ctx, ListingKey key) {
        new Problem(404, "not-found", "Not found", "no listing with ListingKey " + key, "listingKey")
                .send(ctx.response());
    }
}
