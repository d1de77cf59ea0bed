package io.hexproperty.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Fails writes fast while the primary is known to be down: a 503 problem with {@code Retry-After},
 * answered before authentication, body parsing or the pool are touched, instead of every write
 * waiting on a connection attempt to a database that is not there. Reads pass (they are served from
 * the caches, stale if need be). What "known to be down" means is the caller's {@code writable}: a
 * periodic probe of the primary, so a recovered primary takes writes again within one probe interval.
 */
public final class WriteGate {
    private final BooleanSupplier writable;
    private final Supplier<String> reason;

    private WriteGate(BooleanSupplier writable, Supplier<String> reason) {
        this.writable = Objects.requireNonNull(writable, "writable");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public static WriteGate of(BooleanSupplier writable, Supplier<String> reason) {
        return new WriteGate(writable, reason);
    }

    /** Every write passes: for nodes without a probe. */
    public static WriteGate none() {
        return new WriteGate(() -> true, () -> "");
    }

    static boolean isWrite(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PATCH || method == HttpMethod.PUT
                || method == HttpMethod.DELETE;
    }

    /** A route handler: passes reads and, while the primary answers, writes. */
    void handle(RoutingContext ctx) {
        if (!isWrite(ctx.request().method()) || writable.getAsBoolean()) {
            ctx.next();
            return;
        }
        if (ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            ctx.response().putHeader("Connection", "close"); // the body is not read
        }
        ctx.response().putHeader("Retry-After", NodeHealth.RETRY_AFTER_SECONDS);
        new Problem(503, "unavailable", "Service unavailable",
                "writes are refused while the database is unreachable (" + reason.get() + "); reads are served from cache; retry shortly",
                null).send(ctx.response());
    }
}
