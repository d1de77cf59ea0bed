package io.hexproperty.http;

import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * What a node can do now, split the way a load balancer needs it (ADR 0016): {@code serve} (it can
 * answer reads: the database answers, or L1 holds responses it may serve stale) is what
 * {@code GET /health/ready} reports with its status code, so a primary outage does not pull every node
 * out of rotation; {@code write} (the primary answers) is what {@code GET /health/write} reports.
 * Both bodies carry every field, plus {@code components}: background parts that are failing without
 * stopping either (e.g. {@code viewJournal}).
 *
 * @param database   one line on the primary: "PostgreSQL answered" or why not
 * @param components name to state ("ok" or a one-line failure), in a fixed order
 */
public record NodeHealth(boolean serve, boolean write, String database, Map<String, String> components) {
    static final String RETRY_AFTER_SECONDS = "2";

    public NodeHealth {
        Objects.requireNonNull(database, "database");
        components = Map.copyOf(components);
    }

    /** Everything answers or nothing does: the old single readiness bit. */
    public static NodeHealth of(boolean databaseUp) {
        return new NodeHealth(databaseUp, databaseUp, databaseUp ? "PostgreSQL answered" : "unreachable", Map.of());
    }

    String json() {
        StringBuilder out = new StringBuilder(160);
        JsonText json = new JsonText(out).begin()
                .field("status", serve ? "UP" : "DOWN")
                .raw("serve", Boolean.toString(serve))
                .raw("write", Boolean.toString(write))
                .field("database", database);
        new java.util.TreeMap<>(components).forEach(json::field);
        json.end();
        return out.toString();
    }

    /** {@code GET /health/ready}: 200 while the node can serve reads, else 503. */
    static void sendReady(RoutingContext ctx, CompletionStage<NodeHealth> health) {
        send(ctx, health, true);
    }

    /** {@code GET /health/write}: 200 while the node can write (the primary answers), else 503 with Retry-After. */
    static void sendWrite(RoutingContext ctx, CompletionStage<NodeHealth> health) {
        send(ctx, health, false);
    }

    private static void send(RoutingContext ctx, CompletionStage<NodeHealth> health, boolean serving) {
        health.whenComplete((h, err) -> {
            NodeHealth state = err == null && h != null ? h
                    : new NodeHealth(false, false, "health check failed: " + (err == null ? "no answer" : err.getMessage()), Map.of());
            boolean up = serving ? state.serve() : state.write();
            var res = ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    // a few dozen bytes: not worth compressing, and HEAD then carries GET's exact length
                    .putHeader("Content-Encoding", "identity");
            if (!up) {
                res.putHeader("Retry-After", RETRY_AFTER_SECONDS);
            }
            ResponseHeaders.end(ctx, res, state.json()); // HEAD: headers only
        });
    }
}
