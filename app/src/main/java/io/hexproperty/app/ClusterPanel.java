package io.hexproperty.app;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * The cluster a worker belongs to, on the worker's own {@code /dashboard}: every {@link #PERIOD_MS} ms it
 * reads the gateway's {@code GET /admin/cluster} (with the admin token the cluster gave it) and keeps the
 * worker count (ready and current), the autoscaler's bounds, desired count and newest decisions, and a
 * history of those counts; {@link #merge} adds them to the worker's dashboard point as {@code "cluster"},
 * the shape the gateway's own dashboard sends. When the gateway cannot be read the panel says so
 * ({@code "error"}) and keeps its last counts rather than showing a cluster that is not there.
 */
final class ClusterPanel implements AutoCloseable {
    static final long PERIOD_MS = 2000;
    /** Counts kept for the chart: ten minutes at one every two seconds, as the page keeps. */
    static final int HISTORY = 300;
    /** Decisions shown, newest first (as the gateway's dashboard). */
    static final int DECISIONS = 10;
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final Vertx vertx;
    private final HttpClient client;
    private final RequestOptions request;
    private final ArrayDeque<long[]> history = new ArrayDeque<>();
    private volatile JsonObject latest;
    private volatile String error;
    private long timer = -1;

    private ClusterPanel(Vertx vertx, URI admin, String token) {
        this.vertx = vertx;
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000).setIdleTimeout(30));
        this.request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(admin.toString())
                .putHeader("Authorization", "Bearer " + token).putHeader("Accept", "application/json").setTimeout(5000);
    }

    /** Polls {@code admin} (the gateway's {@code /admin/cluster} URL) from now on. */
    static ClusterPanel start(Vertx vertx, URI admin, String token) {
        Objects.requireNonNull(admin, "admin");
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("--cluster-admin needs the admin token (--admin-token)");
        }
        ClusterPanel panel = new ClusterPanel(vertx, admin, token);
        panel.poll();
        panel.timer = vertx.setPeriodic(PERIOD_MS, id -> panel.poll());
        return panel;
    }

    private void poll() {
        client.request(request)
                .compose(req -> req.send().compose(res -> {
                    if (res.statusCode() != 200) {
                        return io.vertx.core.Future.failedFuture("gateway answered " + res.statusCode());
                    }
                    return res.body();
                }))
                .onSuccess(body -> {
                    if (body.length() > MAX_BODY) {
                        error = "gateway answer larger than " + MAX_BODY + " bytes";
                        return;
                    }
                    try {
                        accept(new JsonObject(body), System.currentTimeMillis());
                        error = null;
                    } catch (RuntimeException e) {
                        error = "unreadable gateway answer: " + e.getMessage();
                    }
                })
                .onFailure(e -> error = "gateway unreachable: " + e.getMessage());
    }

    /** Takes one {@code /admin/cluster} answer read at {@code atMillis}. */
    synchronized void accept(JsonObject admin, long atMillis) {
        JsonObject panel = panel(admin);
        history.addLast(new long[] {atMillis, panel.getInteger("current"), panel.getInteger("desired"), panel.getInteger("ready")});
        while (history.size() > HISTORY) {
            history.removeFirst();
        }
        JsonArray at = new JsonArray();
        JsonArray current = new JsonArray();
        JsonArray desired = new JsonArray();
        JsonArray ready = new JsonArray();
        for (long[] h : history) {
            at.add(h[0]);
            current.add(h[1]);
            desired.add(h[2]);
            ready.add(h[3]);
        }
        latest = panel.put("history", new JsonObject().put("at", at).put("current", current).put("desired", desired).put("ready", ready));
    }

    /**
     * The dashboard's cluster object from one {@code /admin/cluster} answer: workers that are up are ready;
     * every worker in rotation or on its way (not a standby held out of it) is current. Without an
     * autoscaler the cluster is fixed: its bounds and desired count are the current count.
     */
    static JsonObject panel(JsonObject admin) {
        JsonArray workers = admin.getJsonArray("workers", new JsonArray());
        int current = 0;
        int ready = 0;
        for (int i = 0; i < workers.size(); i++) {
            String state = workers.getJsonObject(i).getString("state", "");
            if (!"standby".equals(state)) {
                current++;
            }
            if ("up".equals(state)) {
                ready++;
            }
        }
        JsonObject out = new JsonObject().put("current", current).put("ready", ready)
                .put("balancer", admin.getString("balancer"));
        JsonObject scaler = admin.getJsonObject("autoscaler");
        if (scaler == null) {
            return out.put("policy", "fixed (no autoscaler)").put("minWorkers", current).put("maxWorkers", current)
                    .put("desired", current).put("held", false).put("decisions", new JsonArray());
        }
        JsonArray recent = scaler.getJsonArray("recentDecisions", new JsonArray());
        JsonArray decisions = new JsonArray();
        for (int i = recent.size() - 1; i >= 0 && decisions.size() < DECISIONS; i--) {
            decisions.add(recent.getValue(i));
        }
        out.put("policy", scaler.getString("policy")).put("minWorkers", scaler.getInteger("minWorkers"))
                .put("maxWorkers", scaler.getInteger("maxWorkers"))
                .put("desired", scaler.getInteger("desired", current)).put("held", scaler.getBoolean("held", false))
                .put("failedActions", scaler.getValue("failedActions")).put("decisions", decisions);
        if (admin.getJsonObject("vertical") != null) {
            out.put("vertical", admin.getJsonObject("vertical"));
        }
        return out;
    }

    /** The worker's dashboard point with the cluster added (unchanged until the gateway was read once). */
    String merge(String point) {
        JsonObject cluster = latest;
        String problem = error;
        if (point == null || (cluster == null && problem == null)) {
            return point;
        }
        JsonObject p = new JsonObject(point);
        JsonObject c = cluster == null ? new JsonObject() : cluster.copy();
        if (problem != null) {
            c.put("error", problem);
        }
        return p.put("cluster", c).encode();
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        client.close();
    }
}
