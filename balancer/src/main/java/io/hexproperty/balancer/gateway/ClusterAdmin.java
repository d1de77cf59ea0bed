package io.hexproperty.balancer.gateway;

import io.hexproperty.balancer.algorithms.LoadBalancer;
import io.hexproperty.balancer.gateway.edge.EdgeTier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The gateway's management port (loopback by default), behind the admin token:
 * <pre>
 * GET    /admin/cluster                        balancer, data-plane counters, every worker
 * PUT    /admin/cluster/balancer?name=dynamic  switch the algorithm (no request dropped)
 * POST   /admin/cluster/workers                start one more worker (cluster only)
 * POST   /admin/cluster/workers/{id}/drain     stop routing to it; 202, completes in the background
 * DELETE /admin/cluster/workers/{id}           drain then stop it (cluster) or forget it (fixed origins)
 * GET    /admin/cluster/edge                   edge cache counters (404 when the cache is off)
 * BAN|POST /admin/cluster/edge/purge           purge by surrogate key: X-Purge-Keys: k1 k2 (or ?key=k), or
 *                                              X-Purge-All: 1; the request the workers' CDN purge hook sends
 * GET    /health/live                          200 (no token)
 * GET    /dashboard, /dashboard/*              the pages plugged in with {@link #pages} (no token; cluster with --max)
 * </pre>
 */
public final class ClusterAdmin implements AutoCloseable {
    private final Gateway gateway;
    private final WorkerFleet fleet;
    private final byte[] token;
    private final Function<String, LoadBalancer> algorithms;
    private final HttpServer server;
    private volatile AdminExtension extension = AdminExtension.none();
    private volatile io.vertx.core.Handler<HttpServerRequest> pages;

    private ClusterAdmin(Vertx vertx, Gateway gateway, WorkerFleet fleet, String token, Function<String, LoadBalancer> algorithms) {
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("the admin token must be at least 16 characters");
        }
        this.gateway = gateway;
        this.fleet = fleet;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.algorithms = algorithms;
        this.server = vertx.createHttpServer(new HttpServerOptions());
    }

    /** Listens on host:port (0: a free port) and serves the admin API of the gateway. */
    public static Future<ClusterAdmin> start(Vertx vertx, String host, int port, Gateway gateway, WorkerFleet fleet,
                                             String token, Function<String, LoadBalancer> algorithms) {
        ClusterAdmin admin = new ClusterAdmin(vertx, gateway, fleet, token, algorithms);
        return admin.server.requestHandler(admin::handle).listen(port, host).map(s -> admin);
    }

    /** Plugs more routes and fields in (the autoscaler). */
    public void extend(AdminExtension e) {
        this.extension = e;
    }

    /**
     * Serves {@code /dashboard} and below with {@code handler}, without the admin token: an EventSource
     * cannot send an Authorization header, and the page shows counts and reasons, as a worker's management
     * port does. The admin port binds to loopback unless --admin-host says otherwise.
     */
    public void pages(io.vertx.core.Handler<HttpServerRequest> handler) {
        this.pages = handler;
    }

    public int port() {
        return server.actualPort();
    }

    /** The JSON of {@code GET /admin/cluster}. */
    public static JsonObject describe(Gateway gateway) {
        JsonArray workers = new JsonArray();
        for (WorkerView w : gateway.pool().workers()) {
            JsonArray history = new JsonArray();
            w.healthHistory().forEach(p -> history.add(new JsonObject().put("at", p.atEpochMillis())
                    .put("passed", p.passed()).put("detail", p.detail())));
            workers.add(new JsonObject().put("id", w.id()).put("origin", w.origin()).put("state", w.state())
                    .put("weight", w.weight()).put("effectiveWeight", round(w.effectiveWeight()))
                    .put("inFlight", w.inFlight()).put("latencyEwmaMillis", round(w.latencyEwmaMillis()))
                    .put("requests", w.requests()).put("failures", w.failures()).put("health", w.health())
                    .put("healthHistory", history).put("ejections", w.ejections())
                    .put("ejectedForMillis", w.ejectedForMillis())
                    .put("resources", new JsonObject().put("cpu", round(w.resources().cpu()))
                            .put("loopDelayMillis", round(w.resources().loopDelayMillis()))
                            .put("poolWaiters", w.resources().poolWaiters())
                            .put("poolInUse", w.resources().hasUsage() ? w.resources().poolInUse() : null)
                            .put("heapUsedMb", w.resources().hasUsage() ? round(w.resources().heapUsedMb()) : null))
                    .put("agentError", w.agentError()));
        }
        return new JsonObject().put("balancer", gateway.balancer().name()).put("algorithms", new JsonArray(LoadBalancer.NAMES))
                .put("gateway", gateway.stats()).put("workers", workers);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        if (path.equals("/health/live")) {
            req.response().putHeader("content-type", "application/json").end("{\"status\":\"UP\"}");
            return;
        }
        io.vertx.core.Handler<HttpServerRequest> p = pages;
        if (p != null && (path.equals("/dashboard") || path.startsWith("/dashboard/"))) {
            p.handle(req);
            return;
        }
        if (!path.startsWith("/admin/cluster")) {
            problem(req, 404, "not-found", "Not found", "no admin route " + req.method() + " " + path);
            return;
        }
        String auth = req.getHeader("authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)
                || !MessageDigest.isEqual(auth.substring(7).strip().getBytes(StandardCharsets.UTF_8), token)) {
            req.response().putHeader("WWW-Authenticate", "Bearer realm=\"hexproperty-admin\"");
            problem(req, 401, "unauthorized", "Unauthorized", "the admin token is required: Authorization: Bearer <admin token>");
            return;
        }
        String rest = path.substring("/admin/cluster".length());
        try {
            if (rest.isEmpty() && req.method() == HttpMethod.GET) {
                JsonObject body = describe(gateway);
                extension.describe(body);
                json(req, 200, body);
            } else if (rest.equals("/balancer") && (req.method() == HttpMethod.PUT || req.method() == HttpMethod.POST)) {
                switchBalancer(req);
            } else if (rest.equals("/workers") && req.method() == HttpMethod.POST) {
                fleet.addWorker().whenComplete((id, err) -> {
                    if (err != null) {
                        problem(req, 409, "fleet", "Cannot add a worker", message(err));
                    } else {
                        json(req, 201, new JsonObject().put("id", id));
                    }
                });
            } else if (rest.startsWith("/workers/") && rest.endsWith("/drain") && req.method() == HttpMethod.POST) {
                String id = rest.substring("/workers/".length(), rest.length() - "/drain".length());
                gateway.pool().drain(id);
                json(req, 202, new JsonObject().put("id", id).put("state", "draining"));
            } else if (rest.startsWith("/workers/") && req.method() == HttpMethod.DELETE) {
                String id = rest.substring("/workers/".length());
                if (!gateway.pool().contains(id)) {
                    throw new IllegalArgumentException("no worker '" + id + "' in the pool");
                }
                if (fleet.workerIds().contains(id)) {
                    fleet.removeWorker(id);
                } else {
                    gateway.pool().drain(id).whenComplete((v, e) -> gateway.pool().remove(id));
                }
                json(req, 202, new JsonObject().put("id", id).put("state", "removing"));
            } else if (rest.startsWith("/edge")) {
                edge(req, rest);
            } else if (!extension.handle(req, rest)) {
                problem(req, 404, "not-found", "Not found", "no admin route " + req.method() + " " + path);
            }
        } catch (IllegalArgumentException e) {
            problem(req, 404, "no-such-worker", "No such worker", e.getMessage());
        }
    }

    /** The edge cache's admin: its counters, and purges in the format {@code PurgeHook.varnish} sends to Varnish. */
    private void edge(HttpServerRequest req, String rest) {
        EdgeTier edge = gateway.edge();
        if (edge == null) {
            problem(req, 404, "edge-cache-off", "Edge cache off", "the gateway runs without an edge cache (--edge-cache-mb 0)");
            return;
        }
        boolean purgeMethod = req.method() == HttpMethod.POST || req.method().name().equals("BAN");
        if (rest.equals("/edge") && req.method() == HttpMethod.GET) {
            json(req, 200, edge.stats());
        } else if (rest.equals("/edge/purge") && purgeMethod) {
            if ("1".equals(req.getHeader("X-Purge-All"))) {
                edge.purgeAll();
                json(req, 200, new JsonObject().put("purged", "all"));
                return;
            }
            java.util.Set<String> keys = new java.util.LinkedHashSet<>();
            String header = req.getHeader("X-Purge-Keys");
            if (header != null) {
                keys.addAll(java.util.Arrays.asList(header.strip().split("\\s+")));
            }
            keys.addAll(req.params().getAll("key"));
            keys.remove("");
            if (keys.isEmpty()) {
                problem(req, 400, "bad-parameter", "Bad parameter",
                        "key: give surrogate keys in X-Purge-Keys (space separated) or ?key=, or X-Purge-All: 1");
                return;
            }
            json(req, 200, new JsonObject().put("keys", new JsonArray(java.util.List.copyOf(keys))).put("purged", edge.purge(keys)));
        } else {
            problem(req, 404, "not-found", "Not found", "no admin route " + req.method() + " " + req.path());
        }
    }

    private void switchBalancer(HttpServerRequest req) {
        String name = req.getParam("name");
        if (name == null || name.isBlank()) {
            problem(req, 400, "bad-parameter", "Bad parameter", "name: required, one of " + LoadBalancer.NAMES);
            return;
        }
        LoadBalancer next;
        try {
            next = algorithms.apply(name);
        } catch (IllegalArgumentException e) {
            problem(req, 400, "bad-parameter", "Bad parameter", "name: " + e.getMessage());
            return;
        }
        String before = gateway.balancer().name();
        gateway.balancer(next);
        json(req, 200, new JsonObject().put("balancer", next.name()).put("previous", before));
    }

    private static String message(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static void json(HttpServerRequest req, int status, JsonObject body) {
        req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encodePrettily());
    }

    private static void problem(HttpServerRequest req, int status, String type, String title, String detail) {
        req.response().setStatusCode(status).putHeader("content-type", "application/problem+json")
                .end(new JsonObject().put("type", "https://hexproperty.io/problems/" + type).put("title", title)
                        .put("status", status).put("detail", detail).encode());
    }

    @Override
    public void close() {
        try {
            server.close().await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // already closed with its Vert.x
        }
    }
}
