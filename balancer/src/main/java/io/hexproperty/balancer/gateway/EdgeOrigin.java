package io.hexproperty.balancer.gateway;

import io.hexproperty.balancer.algorithms.Endpoint;
import io.hexproperty.balancer.algorithms.LoadBalancer;
import io.hexproperty.balancer.algorithms.Request;
import io.hexproperty.balancer.gateway.edge.Origin;
import io.hexproperty.balancer.health.OutlierDetector.Outcome;
import io.hexproperty.balancer.health.RetryBudget;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The edge cache's way to the workers: a GET read whole, on the same pool, balancer, outlier detection
 * and retry budget as the streamed path ({@link Gateway}), so a fill counts like any request. A connection
 * failure is retried once on another worker; what still fails becomes the gateway's own problem response,
 * which the cache treats as a 5xx (stale-if-error).
 */
final class EdgeOrigin implements Origin {
    private final WorkerPool pool;
    private final Supplier<LoadBalancer> balancer;
    private final RetryBudget retryBudget;
    private final LongSupplier nanoTicker;
    private final Clock wallClock;
    private final HttpClient client;
    private final Consumer<HttpServerRequest> pass;
    private final long acquireMillis;
    private final long requestMillis;
    private final long requestNanos;

    EdgeOrigin(WorkerPool pool, Supplier<LoadBalancer> balancer, RetryBudget retryBudget, LongSupplier nanoTicker,
               Clock wallClock, GatewayConfig config, HttpClient client, Consumer<HttpServerRequest> pass) {
        this.pool = pool;
        this.balancer = balancer;
        this.retryBudget = retryBudget;
        this.nanoTicker = nanoTicker;
        this.wallClock = wallClock;
        this.client = client;
        this.pass = pass;
        this.acquireMillis = config.acquireTimeout().toMillis();
        this.requestMillis = config.requestTimeout().toMillis();
        this.requestNanos = config.requestTimeout().toNanos();
    }

    @Override
    public void pass(HttpServerRequest req) {
        pass.accept(req);
    }

    @Override
    public Future<Fetched> fetch(String uri, MultiMap headers, int maxBytes) {
        Promise<Fetched> result = Promise.promise();
        attempt(uri, headers, maxBytes, null, result);
        return result.future();
    }

    private void attempt(String uri, MultiMap headers, int maxBytes, Worker previous, Promise<Fetched> result) {
        long requestMillis0 = wallClock.millis();
        List<Endpoint> candidates = pool.candidates(previous);
        if (candidates.isEmpty()) {
            result.complete(problem(503, "no-worker", "No worker available", "no worker is eligible", requestMillis0));
            return;
        }
        Worker w = pool.worker(balancer.get().pick(candidates, Request.none()).id());
        if (w == null || w.exited != null) { // removed or its process gone since the snapshot
            attempt(uri, headers, maxBytes, previous, result);
            return;
        }
        w.begin();
        long started = nanoTicker.getAsLong();
        RequestOptions options = new RequestOptions().setServer(w.address).setHost(w.host).setPort(w.port)
                .setMethod(HttpMethod.GET).setURI(uri).setConnectTimeout(acquireMillis).setIdleTimeout(requestMillis)
                .setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(headers));
        client.request(options).compose(out -> {
            String authority = headers.get("host");
            if (authority != null) {
                out.authority(io.vertx.core.net.HostAndPort.parseAuthority(authority, -1));
            }
            out.headers().remove("host");
            return out.send();
        }).onComplete(rr -> {
            if (rr.failed()) {
                failed(uri, headers, maxBytes, w, previous, started, rr.cause(), result, requestMillis0);
                return;
            }
            HttpClientResponse in = rr.result();
            w.latency.observe(nanoTicker.getAsLong() - started);
            pool.record(w, in.statusCode() >= 500 ? Outcome.SERVER_ERROR : Outcome.SUCCESS);
            String length = in.headers().get("content-length");
            if (length != null && declaredOver(length, maxBytes)) {
                in.request().reset(); // too large to store: the cache passes the request through, streamed
                w.end();
                result.complete(Fetched.tooLarge(requestMillis0, wallClock.millis()));
                return;
            }
            Buffer body = Buffer.buffer();
            boolean[] over = {false};
            in.handler(chunk -> {
                if (over[0]) {
                    return;
                }
                if (body.length() + chunk.length() > maxBytes) {
                    over[0] = true;
                    in.request().reset();
                    w.end();
                    result.tryComplete(Fetched.tooLarge(requestMillis0, wallClock.millis()));
                    return;
                }
                body.appendBuffer(chunk);
            });
            in.exceptionHandler(e -> {
                if (!over[0]) {
                    over[0] = true;
                    w.end();
                    result.tryComplete(problem(502, "worker-unreachable", "Worker unreachable",
                            "worker " + w.id + " broke off its answer: " + e.getMessage(), requestMillis0));
                }
            });
            in.endHandler(v -> {
                if (!over[0]) {
                    w.end();
                    result.tryComplete(new Fetched(in.statusCode(), in.statusMessage(), in.headers(), body, requestMillis0,
                            wallClock.millis(), false));
                }
            });
        });
    }

    private void failed(String uri, MultiMap headers, int maxBytes, Worker w, Worker previous, long started, Throwable cause,
                        Promise<Fetched> result, long requestMillis0) {
        w.end();
        Exchanges.Failure kind = Exchanges.classify(cause);
        w.latency.observe(Math.max(nanoTicker.getAsLong() - started, requestNanos));
        if (kind.outcome() != null) {
            pool.record(w, kind.outcome());
        }
        if (previous == null && retryBudget.tryWithdraw()) {
            w.retriedAway.incrementAndGet();
            attempt(uri, headers, maxBytes, w, result);
            return;
        }
        result.complete(problem(kind.status(), kind.type(), kind.title(),
                "worker " + w.id + " (" + w.origin + ") failed: " + cause.getMessage(), requestMillis0));
    }

    private static boolean declaredOver(String length, int maxBytes) {
        try {
            return length.length() > 10 || Long.parseLong(length.strip()) > maxBytes;
        } catch (NumberFormatException e) {
            return true; // unreadable framing: not worth storing, the streamed path relays it as the worker sent it
        }
    }

    private Fetched problem(int status, String type, String title, String detail, long requestMillis0) {
        Buffer body = Buffer.buffer(new JsonObject().put("type", "https://hexproperty.io/problems/" + type)
                .put("title", title).put("status", status).put("detail", detail).encode());
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/problem+json")
                .add("cache-control", "no-store");
        return new Fetched(status, title, h, body, requestMillis0, wallClock.millis(), false);
    }
}
