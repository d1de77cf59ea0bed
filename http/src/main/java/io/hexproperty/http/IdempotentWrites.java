package io.hexproperty.http;

import io.hexproperty.domain.IdempotencyClaim;
import io.hexproperty.domain.StoredResponse;
import io.hexproperty.domain.port.in.IdempotencyKeys;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Idempotency-Key} on POST (draft-ietf-httpapi-idempotency-key-header): the first request with a
 * key claims it in the shared store, writes, and stores its response; a retry with the same key and body
 * gets that response back (status, headers, body) without writing again. The same key with another body is
 * a 422; a retry while the first is still writing is a 409 with Retry-After (ADR 0014). A write that ends
 * in anything but 2xx gives the key back, so a corrected retry can use it. Without the header nothing
 * changes.
 */
final class IdempotentWrites {
    static final String HEADER = "Idempotency-Key";
    static final String REPLAYED_HEADER = "Idempotency-Replayed";
    private static final Logger LOG = LoggerFactory.getLogger(IdempotentWrites.class);
    // Visible ASCII without quotes or backslash (an sf-string's content), 1 to 255 of them: a UUID fits.
    private static final Pattern KEY = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,255}");

    /** A response built in memory, so it can be both sent and kept for replays. */
    record Reply(int status, List<String> headers, Buffer body) {
        Reply {
            headers = List.copyOf(headers);
        }

        void send(HttpServerResponse response) {
            response.setStatusCode(status);
            for (int i = 0; i < headers.size(); i += 2) {
                response.putHeader(headers.get(i), headers.get(i + 1));
            }
            response.end(body);
        }
    }

    private final IdempotencyKeys keys;

    IdempotentWrites(IdempotencyKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /**
     * Runs {@code write} once per key: {@code write} gets the sink to hand its successful reply to; failures
     * it raises or sends as problems itself release the key.
     */
    void run(RoutingContext ctx, String scope, Consumer<Consumer<Reply>> write) {
        String key = ctx.request().getHeader(HEADER);
        if (key == null) {
            write.accept(reply -> reply.send(ctx.response()));
            return;
        }
        if (!KEY.matcher(key).matches()) {
            throw BadRequestException.parameter(HEADER, "must be 1 to 255 visible ASCII characters without quotes, such as a UUID");
        }
        byte[] fingerprint = fingerprint(ctx);
        Routes.reply(ctx, keys.claim(scope, key, fingerprint), claim -> {
            switch (claim) {
                case IdempotencyClaim.Granted granted -> {
                    boolean[] stored = new boolean[1];
                    ctx.addEndHandler(ended -> {
                        if (!stored[0]) {
                            keys.release(scope, key, granted.claimId()).whenComplete((v, e) -> {
                                if (e != null) {
                                    LOG.warn("idempotency key not released (it frees itself after the lease): {}", e.toString());
                                }
                            });
                        }
                    });
                    write.accept(reply -> {
                        if (reply.status() >= 200 && reply.status() < 300) {
                            stored[0] = true;
                            List<String> headers = new ArrayList<>(reply.headers());
                            // headers the write put on the response itself (the consistency token)
                            ctx.response().headers().forEach(h -> {
                                headers.add(h.getKey());
                                headers.add(h.getValue());
                            });
                            StoredResponse kept = new StoredResponse(reply.status(), headers, reply.body().getBytes());
                            // The response waits for the store: a retry that arrives after the client saw
                            // the answer must find it, not a claim "in progress".
                            keys.complete(scope, key, granted.claimId(), kept).whenComplete((done, e) -> {
                                if (e != null) {
                                    // the write happened: answer it; a retry finds the claim busy until its lease ends
                                    LOG.warn("idempotency response not stored for a completed write: {}", e.toString());
                                }
                                reply.send(ctx.response());
                            });
                        } else {
                            reply.send(ctx.response());
                        }
                    });
                }
                case IdempotencyClaim.Replay replay -> {
                    StoredResponse r = replay.response();
                    ctx.response().putHeader(REPLAYED_HEADER, "true");
                    new Reply(r.status(), r.headers(), Buffer.buffer(r.body())).send(ctx.response());
                }
                case IdempotencyClaim.InProgress busy -> {
                    ctx.response().putHeader("Retry-After", "1");
                    new Problem(409, "idempotency-key-in-use", "Request in progress",
                            "a request with this Idempotency-Key is still being processed; retry shortly", HEADER)
                            .send(ctx.response());
                }
                case IdempotencyClaim.Mismatch mismatch -> new Problem(422, "idempotency-key-reused", "Idempotency-Key reused",
                        "this Idempotency-Key was used for a request with a different body in the last "
                                + keys.retention().toHours() + " h; use a new key for a new request", HEADER).send(ctx.response());
            }
        });
    }

    /** What "the same request" means: the same method, path and body bytes. */
    private static byte[] fingerprint(RoutingContext ctx) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((ctx.request().method().name() + ' ' + ctx.request().path() + '\n').getBytes(StandardCharsets.UTF_8));
            Buffer body = ctx.body() == null ? null : ctx.body().buffer();
            if (body != null) {
                sha.update(body.getBytes());
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
