package io.hexproperty.balancer.gateway;

import io.hexproperty.balancer.algorithms.Endpoint;
import io.hexproperty.balancer.algorithms.LoadBalancer;
import io.hexproperty.balancer.algorithms.Request;
import io.hexproperty.balancer.health.OutlierDetector.Outcome;
import io.hexproperty.balancer.health.RetryBudget;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The data plane: an HTTP server whose every request is forwarded with vertx-http-proxy's
 * {@link ProxyRequest} to the worker the current {@link LoadBalancer} picks.
 *
 * <p>Design: one verticle instance per event loop, each with its own server socket (shared port) and its
 * own client pool, so a request never hops threads. Per exchange the gateway tracks in-flight (begin before
 * connecting, end when the response has been written or failed), feeds the worker's peak EWMA with the time
 * to the response head, and reports the outcome to passive outlier detection. A connection failure or a
 * timeout before any response byte is retried once, on another worker, for bodiless idempotent methods,
 * while the retry budget lasts; everything else fails with a problem+json 502/503/504 and never a stack
 * trace. The balancer sits in an {@link AtomicReference}: switching it affects the next pick only, so no
 * request is dropped.
 */
public final class Gateway implements AutoCloseable {
    /** Response header naming the worker that served the request (tests, benchmarks, debugging). */
    public static final String SERVED_BY = "x-served-by";

    private final Vertx vertx;
    private final GatewayConfig config;
    private final WorkerPool pool;
    private final LongSupplier nanoTicker;
    private final AtomicReference<LoadBalancer> balancer;
    private final RetryBudget retryBudget;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong retriesDenied = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicInteger boundPort = new AtomicInteger();
    private volatile String deploymentId;

    private Gateway(Vertx vertx, GatewayConfig config, WorkerPool pool, LoadBalancer initial, LongSupplier nanoTicker) {
        this.vertx = vertx;
        this.config = config;
        this.pool = pool;
        this.nanoTicker = nanoTicker;
        this.balancer = new AtomicReference<>(initial);
        this.retryBudget = new RetryBudget(config.retryRatio(), config.minRetriesPerSecond(), nanoTicker);
    }

    /** Starts the gateway; the future completes once every instance listens. */
    public static Future<Gateway> start(Vertx vertx, GatewayConfig config, WorkerPool pool, LoadBalancer initial,
                                        LongSupplier nanoTicker) {
        Gateway g = new Gateway(vertx, config, pool, initial, nanoTicker);
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

    /** Counters of the data plane for the admin view. */
    public JsonObject stats() {
        return new JsonObject().put("requests", requests.get()).put("retries", retries.get())
                .put("retriesDeniedByBudget", retriesDenied.get()).put("failed", failed.get());
    }

    final class Instance extends VerticleBase {
        private final int port;
        private HttpClient client;
        private HttpServer server;

        Instance(int port) {
            this.port = port;
        }

        @Override
        public Future<?> start() {
            client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                            .setConnectTimeout((int) config.connectTimeout().toMillis()).setMaxRedirects(0),
                    new PoolOptions().setHttp1MaxSize(config.maxConnectionsPerWorker()));
            server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(port)
                    .setTcpNoDelay(true).setCompressionSupported(false));
            return server.requestHandler(this::handle).listen().onSuccess(s -> boundPort.compareAndSet(0, s.actualPort()));
        }

        @Override
        public Future<?> stop() {
            return server.shutdown(5, TimeUnit.SECONDS).eventually(() -> client.close());
        }

        private void handle(HttpServerRequest req) {
            requests.incrementAndGet();
            retryBudget.deposit();
            ProxyRequest proxy = ProxyRequest.reverseProxy(req);
            long delay = config.injectedLatency().toMillis();
            if (delay > 0) {
                vertx.setTimer(delay, t -> attempt(req, proxy, RequestKeys.of(req), null));
                return;
            }
            attempt(req, proxy, RequestKeys.of(req), null);
        }

        private void attempt(HttpServerRequest req, ProxyRequest proxy, Request keys, Worker previous) {
            List<Endpoint> candidates = pool.candidates(previous);
            if (candidates.isEmpty()) {
                fail(req, proxy, 503, "no-worker", "No worker available",
                        previous == null ? "no worker is eligible (all down, ejected or draining)"
                                : "the request failed on " + previous.id + " and no other worker is eligible");
                return;
            }
            Endpoint chosen = balancer.get().pick(candidates, keys);
            Worker w = pool.worker(chosen.id());
            if (w == null) { // removed between the snapshot and now: pick again
                attempt(req, proxy, keys, previous);
                return;
            }
            w.begin();
            long started = nanoTicker.getAsLong();
            RequestOptions options = new RequestOptions().setServer(w.address).setHost(w.origin.getHost())
                    .setPort(w.origin.getPort()).setConnectTimeout(config.connectTimeout().toMillis())
                    .setIdleTimeout(config.requestTimeout().toMillis());
            client.request(options).compose(proxy::send).onComplete(ar -> {
                if (ar.succeeded()) {
                    ProxyResponse resp = ar.result();
                    w.latency.observe(nanoTicker.getAsLong() - started);
                    pool.record(w, resp.getStatusCode() >= 500 ? Outcome.SERVER_ERROR : Outcome.SUCCESS);
                    resp.putHeader(SERVED_BY, w.id);
                    resp.send().onComplete(done -> w.end());
                    return;
                }
                w.end();
                Throwable cause = ar.cause();
                // a refused connection is fast; it must not make the worker look fast to `dynamic`: charge it the timeout
                w.latency.observe(Math.max(nanoTicker.getAsLong() - started, config.requestTimeout().toNanos()));
                pool.record(w, Outcome.LOCAL_FAILURE);
                if (previous == null && retryable(req)) {
                    if (retryBudget.tryWithdraw()) {
                        retries.incrementAndGet();
                        w.retriedAway.incrementAndGet();
                        proxy.setBody(Body.body(Buffer.buffer()));
                        attempt(req, proxy, keys, w);
                        return;
                    }
                    retriesDenied.incrementAndGet();
                }
                boolean timeout = cause instanceof TimeoutException || String.valueOf(cause.getMessage()).contains("timeout");
                fail(req, proxy, timeout ? 504 : 502, timeout ? "worker-timeout" : "worker-unreachable",
                        timeout ? "Worker timed out" : "Worker unreachable",
                        "worker " + w.id + " (" + w.origin + ") failed: " + cause.getMessage());
            });
        }

        private boolean retryable(HttpServerRequest req) {
            HttpMethod m = req.method();
            if (m != HttpMethod.GET && m != HttpMethod.HEAD && m != HttpMethod.OPTIONS) {
                return false;
            }
            String length = req.getHeader("content-length");
            return req.getHeader("transfer-encoding") == null && (length == null || length.equals("0"));
        }

        private void fail(HttpServerRequest req, ProxyRequest proxy, int status, String type, String title, String detail) {
            failed.incrementAndGet();
            proxy.release();
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
