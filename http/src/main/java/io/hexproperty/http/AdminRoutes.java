package io.hexproperty.http;

import io.hexproperty.domain.ListingKey;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Operator endpoints behind the admin token: manual cache invalidation by key, by tag, or all, and
 * the slow-query capture.
 * Invalidation goes through {@link CacheInvalidation}: on a platform node it reaches every node, the
 * Redis tier and the CDN; when a layer could not be reached the answer is a 503 naming it (what was
 * reached stays invalidated; repeating the request is harmless).
 */
final class AdminRoutes {
    private static final Set<String> FIELDS = Set.of("key", "tag", "all");
    private final byte[] adminToken;
    private final CacheInvalidation invalidation;
    private final ResponseCache cache;

    AdminRoutes(String adminToken, CacheInvalidation invalidation, ResponseCache cache) {
        this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
        this.invalidation = invalidation;
        this.cache = cache;
    }

    static final int MAX_KEYS = 1_000_000;

    /**
     * {@code GET /admin/cache/keys[?limit=N]}: the keys this node's L1 holds, per tier, hottest first (at most
     * {@code limit} per tier, default and maximum {@value #MAX_KEYS}): what a cluster benchmark compares across
     * workers to count distinct entries and copies.
     */
    void residentKeys(RoutingContext ctx) {
        if (!authorized(ctx)) {
            return;
        }
        String raw = ctx.request().getParam("limit");
        int limit = MAX_KEYS;
        if (raw != null) {
            if (!raw.matches("[0-9]{1,7}") || Integer.parseInt(raw) < 1 || Integer.parseInt(raw) > MAX_KEYS) {
                throw BadRequestException.parameter("limit", "must be an integer between 1 and " + MAX_KEYS);
            }
            limit = Integer.parseInt(raw);
        }
        io.vertx.core.json.JsonObject out = new io.vertx.core.json.JsonObject();
        cache.residentKeys(limit).forEach((tier, keys) -> out.put(tier, new io.vertx.core.json.JsonObject()
                .put("count", keys.size()).put("keys", new io.vertx.core.json.JsonArray(keys))));
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(out.encode());
    }

    /** True when the request carries the admin token; otherwise a 401 problem was sent. */
    boolean authorized(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        boolean ok = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                && MessageDigest.isEqual(header.substring(7).strip().getBytes(StandardCharsets.UTF_8), adminToken);
        if (!ok) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"hexproperty-admin\"");
            new Problem(401, "unauthorized", "Unauthorized", "the admin token is required: Authorization: Bearer <admin token>",
                    "Authorization").send(ctx.response());
        }
        return ok;
    }

    /** {@code GET /admin/db/slow}: the slow-query sampler's captured plans; 404 when capture is off. */
    void slowQueries(RoutingContext ctx, java.util.function.Supplier<String> source) {
        if (!authorized(ctx)) {
            return;
        }
        if (source == null) {
            new Problem(404, "not-found", "Not found", "slow-query capture is not enabled on this node", null)
                    .send(ctx.response());
            return;
        }
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(source.get());
    }

    void invalidate(RoutingContext ctx) {
        if (!authorized(ctx)) {
            return;
        }
        JsonBody body = JsonBody.parse(ctx.body().buffer(), FIELDS, Set.of());
        String key = body.text("key", false);
        String tag = body.text("tag", false);
        boolean all = body.has("all") && Boolean.TRUE.equals(body.flag("all"));
        int given = (key == null ? 0 : 1) + (tag == null ? 0 : 1) + (all ? 1 : 0);
        if (given != 1) {
            throw BadRequestException.parameter("body", "must name exactly one of key, tag or all:true");
        }
        String done;
        CacheInvalidation.Scope scope;
        String value;
        if (key != null) {
            if (!ListingKey.isValid(key)) {
                throw BadRequestException.parameter("key", "is not a listing key");
            }
            scope = CacheInvalidation.Scope.KEY;
            value = key;
            done = "key " + key;
        } else if (tag != null) {
            if (tag.isBlank() || tag.length() > 200) {
                throw BadRequestException.parameter("tag", "must be 1-200 characters, e.g. city:houston-tx");
            }
            scope = CacheInvalidation.Scope.TAG;
            value = tag;
            done = "tag " + tag;
        } else {
            scope = CacheInvalidation.Scope.ALL;
            value = "";
            done = "all";
        }
        invalidation.invalidate(scope, value).whenComplete((outcome, error) -> {
            if (error != null || !outcome.complete()) {
                String why = error != null ? String.valueOf(error.getMessage()) : outcome.missed();
                String reached = outcome == null ? "this node" : String.join(", ", outcome.reached());
                ctx.response().putHeader("Retry-After", NodeHealth.RETRY_AFTER_SECONDS);
                new Problem(503, "unavailable", "Service unavailable", "invalidated " + done + " at " + reached
                        + " only: " + why + "; repeat the request when it is back", null).send(ctx.response());
                return;
            }
            StringBuilder out = new StringBuilder();
            JsonText json = new JsonText(out).begin().field("invalidated", done);
            StringBuilder list = new StringBuilder("[");
            for (String layer : outcome.reached()) {
                if (list.length() > 1) {
                    list.append(',');
                }
                JsonText.string(list, layer);
            }
            json.raw("reached", list.append(']').toString()).end();
            ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                    .end(out.toString());
        });
    }
}
