package io.hexproperty.http;

import io.hexproperty.domain.ListingKey;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Operator endpoints behind the admin token: manual cache invalidation by key, by tag, or all, and
 * the slow-query capture.
 * Invalidation here is local to this node; the change feed already reaches every node for data
 * changes, so manual invalidation is for operators fixing something by hand: run it on each node.
 */
final class AdminRoutes {
    private static final Set<String> FIELDS = Set.of("key", "tag", "all");
    private final byte[] adminToken;
    private final ResponseCache cache;

    AdminRoutes(String adminToken, ResponseCache cache) {
        this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
        this.cache = cache;
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
        if (key != null) {
            if (!ListingKey.isValid(key)) {
                throw BadRequestException.parameter("key", "is not a listing key");
            }
            cache.invalidateKey(ListingKey.of(key));
            done = "key " + key;
        } else if (tag != null) {
            if (tag.isBlank() || tag.length() > 200) {
                throw BadRequestException.parameter("tag", "must be 1-200 characters, e.g. city:houston-tx");
            }
            cache.invalidateTag(tag);
            done = "tag " + tag;
        } else {
            cache.invalidateAll();
            done = "all";
        }
        StringBuilder out = new StringBuilder();
        new JsonText(out).begin().field("invalidated", done).end();
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(out.toString());
    }
}
