package io.hexproperty.http;

import io.hexproperty.domain.DomainException;
import io.hexproperty.domain.ListingNotFoundException;
import io.hexproperty.domain.NotOwnerException;
import io.hexproperty.domain.VersionConflictException;
import io.hexproperty.domain.port.out.StoreUnavailableException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How failures become problem+json: domain and store exceptions to 4xx/503 naming the parameter,
 * anything else to a logged 500 without a stack trace in the body.
 */
final class ProblemMapping {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemMapping.class);

    private ProblemMapping() {}

    /** The router's failure handler: the failure as problem+json, never a stack trace. */
    static void failure(RoutingContext ctx) {
        Throwable err = ctx.failure();
        if (err == null || err instanceof HttpException) {
            int status = err instanceof HttpException he ? he.getStatusCode() : ctx.statusCode();
            if (status == 413) {
                Routes.tooLarge(ctx);
            } else if (status == 400) {
                new Problem(400, "bad-request", "Bad request", "the request is malformed", null).send(ctx.response());
            } else if (status > 0 && status < 500) {
                new Problem(status, "error", "Request failed", "status " + status, null).send(ctx.response());
            } else {
                sendFailure(ctx, err == null ? new IllegalStateException("status " + status) : err);
            }
            return;
        }
        sendFailure(ctx, err);
    }

    static Problem problemFor(Throwable err) {
        Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        return switch (e) {
            case BadRequestException bad -> bad.problem();
            case DomainException d -> Problem.badParameter(d.field(), d.reason());
            case ListingNotFoundException nf -> new Problem(404, "not-found", "Not found", nf.getMessage(), "listingKey");
            case VersionConflictException vc -> new Problem(412, "precondition-failed", "Precondition failed",
                    vc.getMessage() + "; fetch it again and retry with If-Match: " + ETags.of(vc.current()), "If-Match");
            case NotOwnerException no -> new Problem(403, "forbidden", "Forbidden", no.getMessage(), "Authorization");
            case StoreUnavailableException su -> new Problem(503, "unavailable", "Service unavailable",
                    "the database is not available right now; retry shortly", null);
            default -> null;
        };
    }

    static void sendFailure(RoutingContext ctx, Throwable err) {
        Problem problem = problemFor(err);
        if (problem == null) {
            LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), err);
            problem = new Problem(500, "internal", "Internal error", "an unexpected error occurred", null);
        } else if (problem.status() == 503) {
            LOG.warn("store unavailable on {} {}: {}", ctx.request().method(), ctx.request().path(), err.getMessage());
            ctx.response().putHeader("Retry-After", "2");
        }
        problem.send(ctx.response());
    }
}
