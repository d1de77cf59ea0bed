package io.hexproperty.balancer.gateway;

import io.hexproperty.balancer.algorithms.Endpoint;
import io.hexproperty.balancer.algorithms.LoadBalancer;
import io.hexproperty.balancer.algorithms.Request;
import io.hexproperty.balancer.gateway.edge.EdgeCacheConfig;
import io.hexproperty.balancer.gateway.edge.EdgeTier;
import io.hexproperty.balancer.gateway.edge.Origin;
import io.hexproperty.balancer.health.OutlierDetector.Outcome;
import io.hexproperty.balancer.health.RetryBudget;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The data plane: an HTTP server whose every request is forwarded with Vert.x's {@link HttpClient} to the
 * worker the current {@link LoadBalancer} picks (a hand-written reverse proxy: ADR 0018 says why it replaced
 * vertx-http-proxy; {@link Exchanges} holds its header rules).
 *
 * <p>Design: one verticle instance per event loop, each with its own server socket (shared port) and its
 * own keep-alive client pool, so a request never hops threads. Per exchange the gateway tracks in-flight (begin before
 * connecting, end when the response has been written or failed), feeds the worker's peak EWMA with the time
 * to the response head, and reports the outcome to passive outlier detection. A connection failure or a
 * timeout before any response byte, or a worker's 503, is retried once, on another worker, for bodiless
 * idempotent methods, while the retry budget lasts; everything else fails with a problem+json 502/503/504 and never a stack
 * trace. The balancer sits in an {@link AtomicReference}: switching it affects the next pick only, so no
 * request is dropped.
 */
public final class Gateway implements AutoCloseable {
    /** Response header naming the worker that served the request (tests, benchmarks, debugging). */
    public static final String SERVED_BY = "x-served-by";
    /** Bodies under 100 kB (five digits of Content-Length) are read whole, larger ones piped. */
    private static final int SMALL_BODY_DIGITS = 5;
    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US);

    private final Vertx vertx;
    private final GatewayConfig config;
    private final WorkerPool pool;
    private final LongSupplier nanoTicker;
    private final Clock wallClock = Clock.systemUTC();
    private final AtomicReference<LoadBalancer> balancer;
    private final RetryBudget retryBudget;
    // counters only the admin view reads: adders, so event loops never contend on one cache line per request
    private final LongAdder requests = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder retriesDenied = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final long acquireMillis;
    private final long requestMillis;
    private final long requestNanos;
    private final long injectedDelayMillis;
    private final AtomicInteger boundPort = new AtomicInteger();
    /** The edge cache (package edge, ADR 0020); null when off, so the data plane is exactly as without one. */
    private final EdgeTier edge;
    private final RecentRequests recent = new RecentRequests();
    private volatile String deploymentId;

    private Gateway(Vertx vertx, GatewayConfig config, EdgeCacheConfig edgeConfig, WorkerPool pool, LoadBalancer initial,
                    LongSupplier nanoTicker) {
        this.edge = edgeConfig.enabled() ? new EdgeTier(edgeConfig, wallClock, nanoTicker) : null;
        this.vertx = vertx;
        this.config = config;
        this.pool = pool;
        this.nanoTicker = nanoTicker;
        this.balancer = new AtomicReference<>(initial);
        this.retryBudget = new RetryBudget(config.retryRatio(), config.minRetriesPerSecond(), nanoTicker);
        this.acquireMillis = config.acquireTimeout().toMillis();
        this.requestMillis = config.requestTimeout().toMillis();
        this.requestNanos = config.requestTimeout().toNanos();
        this.injectedDelayMillis = config.injectedLatency().toMillis();
    }

    /** Starts the gateway; the future completes once every instance listens. */
    public static Future<Gateway> start(Vertx vertx, GatewayConfig config, WorkerPool pool, LoadBalancer initial,
                                        LongSupplier nanoTicker) {
        return start(vertx, config, EdgeCacheConfig.defaults(), pool, initial, nanoTicker);
    }

    /** Starts the gateway with an edge cache ({@code edgeConfig} off: none). */
    public static Future<Gateway> start(Vertx vertx, GatewayConfig config, EdgeCacheConfig edgeConfig, WorkerPool pool,
                                        LoadBalancer initial, LongSupplier nanoTicker) {
        Gateway g = new Gateway(vertx, config, edgeConfig, pool, initial, nanoTicker);
        // a negative port makes Vert.x share one random port between the instances (0 would give each its own)
        int port = config.port() == 0 ? -1 : config.port();
        return vertx.deployVerticle(() -> g.new Instance(port), new DeploymentOptions().setInstances(config.instances()))
                .map(id -> {
                    g.deploymentId = id;
                    return g;
                });
    }

    public int port() {
        return boundPort.get();
    }

    public LoadBalancer balancer() {
        return balancer.get();
    }

    /** Switches the algorithm; requests already routed finish where they are. */
    public void balancer(LoadBalancer next) {
        balancer.set(next);
    }

    public WorkerPool pool() {
        return pool;
    }

    /** A sample of the GETs forwarded lately: what a warm-up of a standby worker replays. */
    public RecentRequests recentRequests() {
        return recent;
    }

    /** The edge cache, or null when it is off. */
    public EdgeTier edge() {
        return edge;
    }

    /** Counters of the data plane for the admin view. */
    public JsonObject stats() {
        JsonObject stats = new JsonObject().put("requests", requests.sum()).put("retries", retries.sum())
                .put("retriesDeniedByBudget", retriesDenied.sum()).put("failed", failed.sum());
        return edge == null ? stats : stats.put("edgeCache", edge.stats());
    }

    final class Instance extends VerticleBase {
        private final int port;
        /** Requests this instance (one event loop) handled: confined to its loop, so a plain field. */
        private long seen;
        private HttpClient client;
        private HttpServer server;
        private Origin edgeOrigin;
        private long dateSecond = Long.MIN_VALUE;
        private String dateValue;

        Instance(int port) {
            this.port = port;
        }

        @Override
        public Future<?> start() {
            // keep-alive without pipelining: a pipelined slow answer would hold the ones behind it (head-of-line),
            // which is what the balancer exists to avoid; the TCP connect timeout is the client's, the wait for a
            // pooled connection is each request's (RequestOptions.connectTimeout = acquireTimeout)
            client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false)
                            .setTcpNoDelay(true).setDecompressionSupported(false)
                            .setConnectTimeout((int) config.connectTimeout().toMillis()).setMaxRedirects(0),
                    new PoolOptions().setHttp1MaxSize(config.maxConnectionsPerWorker()));
            if (edge != null) {
                edgeOrigin = new EdgeOrigin(pool, balancer::get, retryBudget, nanoTicker, wallClock, config, client, this::forward);
            }
            server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(port)
                    .setTcpNoDelay(true).setCompressionSupported(false));
            return server.requestHandler(this::handle).listen().onSuccess(s -> boundPort.compareAndSet(0, s.actualPort()));
        }

        @Override
        public Future<?> stop() {
            return server.shutdown(5, TimeUnit.SECONDS).eventually(() -> client.close());
        }

        private void handle(HttpServerRequest req) {
            requests.increment();
            recent.offer(++seen, req.method().name(), req.uri(), req.headers().contains("authorization"));
            retryBudget.deposit();
            Exchanges.addForwarding(req); // before the edge cache: its fills and revalidations carry it too
            if (edge != null && edge.handle(req, edgeOrigin)) {
                return;
            }
            forward(req);
        }

        private void forward(HttpServerRequest req) {
            boolean body = Exchanges.hasBody(req);
            if (body) {
                req.pause(); // the body waits until a worker connection is there to take it
            }
            Request keys = RequestKeys.of(req);
            if (injectedDelayMillis > 0) {
                vertx.setTimer(injectedDelayMillis, t -> attempt(req, keys, null, body));
                return;
            }
            attempt(req, keys, null, body);
        }

        private void attempt(HttpServerRequest req, Request keys, Worker previous, boolean body) {
            List<Endpoint> candidates = pool.candidates(previous);
            if (candidates.isEmpty()) {
                fail(req, body, 503, "no-worker", "No worker available",
                        previous == null ? "no worker is eligible (all down, ejected or draining)"
                                : "the request failed on " + previous.id + " and no other worker is eligible");
                return;
            }
            Endpoint chosen = balancer.get().pick(candidates, keys);
            Worker w = pool.worker(chosen.id());
            if (w == null || w.exited != null) { // removed or its process gone between the snapshot and now: pick again
                attempt(req, keys, previous, body);
                return;
            }
            w.begin();
            long started = nanoTicker.getAsLong();
            RequestOptions options = new RequestOptions().setServer(w.address).setHost(w.host).setPort(w.port)
                    .setMethod(req.method()).setURI(req.uri()).setConnectTimeout(acquireMillis).setIdleTimeout(requestMillis);
            client.request(options).onComplete(ar -> {
                if (ar.failed()) {
                    failed(req, keys, w, previous, started, ar.cause(), body);
                    return;
                }
                HttpClientRequest out = ar.result();
                Exchanges.copyRequestHeaders(req, out);
                out.response().onComplete(rr -> {
                    if (rr.failed()) {
                        failed(req, keys, w, previous, started, rr.cause(), body);
                    } else if (retryUnavailable(req, keys, w, previous, body, rr.result())) {
                        return;
                    } else {
                        respond(req, w, started, rr.result());
                    }
                });
                if (body) {
                    req.pipeTo(out).onFailure(e -> out.reset());
                } else {
                    out.end();
                }
            });
        }

        /**
         * A worker's 503 to a bodiless idempotent request (its database timed out, it is warming up or shutting
         * down) is retried once on another worker while the retry budget lasts, as HAProxy's {@code retry-on 503}
         * does: another worker may answer from its caches. The 503's body is read away so the connection stays pooled.
         */
        private boolean retryUnavailable(HttpServerRequest req, Request keys, Worker w, Worker previous, boolean body,
                                         HttpClientResponse in) {
            if (in.statusCode() != 503 || previous != null || body || !Exchanges.idempotent(req.method())
                    || pool.candidates(w).isEmpty()) {
                return false;
            }
            if (!retryBudget.tryWithdraw()) {
                retriesDenied.increment();
                return false;
            }
            pool.record(w, Outcome.SERVER_ERROR);
            retries.increment();
            w.retriedAway.incrementAndGet();
            in.body().onComplete(ignored -> {
                w.end();
                attempt(req, keys, w, false);
            });
            return true;
        }

        private void respond(HttpServerRequest req, Worker w, long started, HttpClientResponse in) {
            if (edge != null) {
                edge.afterResponse(req, in.statusCode(), in.headers()); // an unsafe method's success invalidates (RFC 9111 4.4)
            }
            w.latency.observe(nanoTicker.getAsLong() - started);
            pool.record(w, in.statusCode() >= 500 ? Outcome.SERVER_ERROR : Outcome.SUCCESS);
            HttpServerResponse resp = req.response();
            if (resp.closed()) { // the client left while the worker worked: read the answer away, the connection stays pooled
                in.body().onComplete(ignored -> w.end());
                return;
            }
            resp.setStatusCode(in.statusCode()).setStatusMessage(in.statusMessage());
            Exchanges.copyResponseHeaders(in, resp, req);
            if (!in.headers().contains("date")) {
                resp.headers().add("date", date()); // RFC 9110 6.6.1: a recipient with a clock adds what the origin left out
            }
            resp.headers().add(SERVED_BY, w.id);
            String length = in.headers().get("content-length");
            if (length != null && length.length() <= SMALL_BODY_DIGITS) {
                // a small body of known length (a listing, a search page): one buffer, one write and flush,
                // instead of a pipe's pause/resume/drain machinery per chunk
                in.body().onComplete(b -> {
                    w.end();
                    if (b.succeeded()) {
                        resp.end(b.result());
                    } else {
                        req.connection().close(); // nothing was written yet, but the body is lost: no short answer
                    }
                });
                return;
            }
            in.pipeTo(resp).onComplete(done -> {
                w.end();
                if (done.failed()) {
                    in.exceptionHandler(ignored -> { }); // the reset below is ours: not an error to log
                    in.request().reset();
                    req.connection().close(); // the head is out: the client must see a broken response, not a short one
                }
            });
        }

        /** The IMF-fixdate of now, formatted once per second per event loop (formatting showed up in a profile). */
        private String date() {
            long second = wallClock.millis() / 1000;
            if (second != dateSecond) {
                dateSecond = second;
                dateValue = IMF_FIXDATE.format(Instant.ofEpochSecond(second).atZone(ZoneOffset.UTC));
            }
            return dateValue;
        }

        private void failed(HttpServerRequest req, Request keys, Worker w, Worker previous, long started, Throwable cause, boolean body) {
            w.end();
            Exchanges.Failure kind = Exchanges.classify(cause);
            // a refused connection is fast; it must not make the worker look fast to `dynamic`: charge it the timeout
            w.latency.observe(Math.max(nanoTicker.getAsLong() - started, requestNanos));
            if (kind.outcome() != null) {
                pool.record(w, kind.outcome());
            }
            if (previous == null && !body && Exchanges.idempotent(req.method())) {
                if (retryBudget.tryWithdraw()) {
                    retries.increment();
                    w.retriedAway.incrementAndGet();
                    attempt(req, keys, w, false);
                    return;
                }
                retriesDenied.increment();
            }
            fail(req, body, kind.status(), kind.type(), kind.title(), "worker " + w.id + " (" + w.origin + ") failed: " + cause.getMessage());
        }

        private void fail(HttpServerRequest req, boolean body, int status, String type, String title, String detail) {
            failed.increment();
            if (body) {
                req.resume(); // let the unread body drain so the connection stays usable
            }
            if (req.response().headWritten() || req.response().closed()) {
                return;
            }
            JsonObject problem = new JsonObject().put("type", "https://hexproperty.io/problems/" + type)
                    .put("title", title).put("status", status).put("detail", detail);
            req.response().setStatusCode(status).putHeader("content-type", "application/problem+json")
                    .end(problem.encode());
        }
    }

    /** Stops accepting requests, lets those in flight finish (up to 5 s per instance). */
    @Override
    public void close() {
        String ids = deploymentId;
        if (ids != null) {
            for (String id : ids.split(",")) {
                try {
                    vertx.undeploy(id).await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // undeploying a stopped Vert.x: nothing left to close
                }
            }
        }
    }
}
