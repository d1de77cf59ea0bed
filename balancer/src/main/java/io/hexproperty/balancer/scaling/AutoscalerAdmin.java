package io.hexproperty.balancer.scaling;

import io.hexproperty.balancer.gateway.AdminExtension;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The autoscaler on the admin port:
 * <pre>
 * GET  /admin/cluster           gains "autoscaler": policy, bounds, desired/current, recent decisions, counts by rule, events,
 *                               and "vertical": the worker size now and the one the VerticalAdvisor recommends from the
 *                               usage the workers reported (apply it with POST /admin/cluster/size)
 * POST /admin/cluster/events    announce an event: {"name", "start" (ISO instant, default now), "end" or "durationSeconds",
 *                               "expectedRate", "minWorkers"}; 201
 * GET  /admin/cluster/events    the announced events
 * GET  /admin/cluster/metrics   Prometheus text: desired/current/running/standby workers, worker-seconds by role (serving,
 *                               standby), warm-pool admissions, returns and refusals, decisions by rule, failed actions
 * POST /admin/cluster/size      vertical: {"poolSize", "eventLoops", "heapMb"}; 202, rolls every worker one at a time
 * </pre>
 */
public final class AutoscalerAdmin implements AdminExtension {
    private static final int MAX_BODY = 16 * 1024;
    /** A recommendation needs this many usage samples: 30 s of one worker at one control step a second. */
    static final int MIN_USAGE_SAMPLES = 30;
    /** Decisions the dashboard lists, newest first. */
    static final int DASHBOARD_DECISIONS = 10;
    private final Autoscaler autoscaler;
    private final java.util.function.Function<WorkerSize, java.util.concurrent.CompletionStage<Void>> resizer;
    private final java.util.function.Supplier<WorkerSize> currentSize;
    private final VerticalAdvisor advisor = new VerticalAdvisor(MIN_USAGE_SAMPLES, Autoscaler.CORES);
    private volatile String lastResize;

    /**
     * @param resizer     starts a rolling resize of every worker (throws IllegalArgumentException to refuse)
     * @param currentSize the size workers are started with now
     */
    public AutoscalerAdmin(Autoscaler autoscaler, java.util.function.Function<WorkerSize, java.util.concurrent.CompletionStage<Void>> resizer,
                           java.util.function.Supplier<WorkerSize> currentSize) {
        this.autoscaler = autoscaler;
        this.resizer = resizer;
        this.currentSize = currentSize;
    }

    @Override
    public boolean handle(HttpServerRequest req, String rest) {
        if (rest.equals("/events") && req.method() == HttpMethod.POST) {
            req.body().onSuccess(buf -> {
                if (buf.length() > MAX_BODY) {
                    problem(req, 413, "body: larger than " + MAX_BODY + " bytes");
                    return;
                }
                postEvent(req, buf.toString());
            }).onFailure(e -> problem(req, 400, "body: " + e.getMessage()));
            return true;
        }
        if (rest.equals("/size") && req.method() == HttpMethod.POST) {
            req.body().onSuccess(buf -> resize(req, buf.toString())).onFailure(e -> problem(req, 400, "body: " + e.getMessage()));
            return true;
        }
        if (rest.equals("/events") && req.method() == HttpMethod.GET) {
            json(req, 200, new JsonObject().put("events", events()));
            return true;
        }
        if (rest.equals("/metrics") && req.method() == HttpMethod.GET) {
            req.response().putHeader("content-type", "text/plain; version=0.0.4").end(prometheus());
            return true;
        }
        return false;
    }

    private void postEvent(HttpServerRequest req, String text) {
        JsonObject body;
        try {
            body = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            problem(req, 400, "body: not a JSON object");
            return;
        }
        ScalingEvent event;
        try {
            Instant now = autoscaler.now();
            Instant start = instant(body, "start", now);
            Instant end;
            if (body.containsKey("end")) {
                end = instant(body, "end", null);
            } else {
                Number d = number(body, "durationSeconds");
                if (d == null) {
                    throw new IllegalArgumentException("end: give end (ISO instant) or durationSeconds");
                }
                if (d.doubleValue() <= 0 || d.doubleValue() > 7 * 86_400) {
                    throw new IllegalArgumentException("durationSeconds: must be in (0, 604800], was " + d);
                }
                end = start.plus(Duration.ofMillis((long) (d.doubleValue() * 1000)));
            }
            Number rate = number(body, "expectedRate");
            Number min = number(body, "minWorkers");
            if (rate == null && min == null) {
                throw new IllegalArgumentException("expectedRate: give expectedRate and/or minWorkers");
            }
            if (min != null && (min.doubleValue() != Math.rint(min.doubleValue()) || min.intValue() > autoscaler.config().maxWorkers())) {
                throw new IllegalArgumentException("minWorkers: must be a whole number <= max workers " + autoscaler.config().maxWorkers() + ", was " + min);
            }
            Object name = body.getValue("name");
            event = new ScalingEvent(name instanceof String n ? n : null, start, end, rate == null ? 0 : rate.doubleValue(),
                    min == null ? 0 : min.intValue());
            if (!end.isAfter(now)) {
                throw new IllegalArgumentException("end: " + end + " is already past");
            }
            autoscaler.events().post(event, now);
        } catch (IllegalArgumentException e) {
            problem(req, 400, e.getMessage());
            return;
        } catch (IllegalStateException e) {
            problem(req, 409, e.getMessage());
            return;
        }
        json(req, 201, event(event));
    }

    private void resize(HttpServerRequest req, String text) {
        WorkerSize size;
        try {
            JsonObject body;
            try {
                body = new JsonObject(text);
            } catch (DecodeException | ClassCastException e) {
                throw new IllegalArgumentException("body: not a JSON object");
            }
            Number pool = number(body, "poolSize");
            Number loops = number(body, "eventLoops");
            Number heap = number(body, "heapMb");
            if (pool == null || loops == null || heap == null) {
                throw new IllegalArgumentException((pool == null ? "poolSize" : loops == null ? "eventLoops" : "heapMb")
                        + ": required (poolSize, eventLoops, heapMb)");
            }
            for (Object[] f : new Object[][] {{"poolSize", pool, 1, 200}, {"eventLoops", loops, 1, 64}, {"heapMb", heap, 64, 65536}}) {
                double v = ((Number) f[1]).doubleValue();
                if (v != Math.rint(v) || v < (int) f[2] || v > (int) f[3]) {
                    throw new IllegalArgumentException(f[0] + ": a whole number in [" + f[2] + ", " + f[3] + "], was " + f[1]);
                }
            }
            if (autoscaler.held()) {
                problem(req, 409, "a resize is already rolling");
                return;
            }
            size = new WorkerSize(pool.intValue(), loops.intValue(), heap.intValue());
            resizer.apply(size).whenComplete((v, e) -> lastResize = size + (e == null ? " done" : " failed: " + e.getMessage()));
        } catch (IllegalArgumentException e) {
            problem(req, 400, e.getMessage());
            return;
        }
        lastResize = size + " rolling";
        json(req, 202, new JsonObject().put("size", new JsonObject().put("poolSize", size.poolSize())
                .put("eventLoops", size.eventLoops()).put("heapMb", size.heapMb())).put("state", "rolling"));
    }

    private static Number number(JsonObject body, String key) {
        Object v = body.getValue(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || Double.isNaN(n.doubleValue()) || Double.isInfinite(n.doubleValue())) {
            throw new IllegalArgumentException(key + ": must be a number, was " + v);
        }
        return n;
    }

    private static Instant instant(JsonObject body, String key, Instant fallback) {
        Object v = body.getValue(key);
        if (v == null) {
            if (fallback == null) {
                throw new IllegalArgumentException(key + ": required (ISO-8601 instant, e.g. 2026-05-02T09:00:00Z)");
            }
            return fallback;
        }
        try {
            return Instant.parse(String.valueOf(v));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + ": not an ISO-8601 instant such as 2026-05-02T09:00:00Z, was '" + v + "'");
        }
    }

    private JsonArray events() {
        JsonArray a = new JsonArray();
        autoscaler.events().events().forEach(e -> a.add(event(e)));
        return a;
    }

    private static JsonObject event(ScalingEvent e) {
        return new JsonObject().put("name", e.name()).put("start", e.start().toString()).put("end", e.end().toString())
                .put("expectedRate", e.expectedRate()).put("minWorkers", e.minWorkers());
    }

    @Override
    public void describe(JsonObject cluster) {
        ScalingConfig c = autoscaler.config();
        JsonObject o = new JsonObject().put("policy", autoscaler.policy().name()).put("minWorkers", c.minWorkers())
                .put("maxWorkers", c.maxWorkers()).put("workerCapacityRps", c.workerCapacityRps())
                .put("measuredStartupMillis", autoscaler.measuredStartup() == null ? null : autoscaler.measuredStartup().toMillis());
        Decision d = autoscaler.lastDecision();
        if (d != null) {
            o.put("current", d.current()).put("desired", d.desired()).put("lastDecision", decision(d));
        }
        JsonArray recent = new JsonArray();
        autoscaler.recentDecisions().forEach(x -> recent.add(decision(x)));
        o.put("recentDecisions", recent);
        JsonObject byRule = new JsonObject();
        autoscaler.decisionsByRule().forEach(byRule::put);
        o.put("held", autoscaler.held()).put("lastResize", lastResize);
        o.put("runningWorkers", autoscaler.billedWorkers()).put("workerSeconds", Math.round(autoscaler.workerSeconds() * 1000) / 1000.0);
        o.put("decisionsByRule", byRule).put("failedActions", autoscaler.failedActions()).put("events", events());
        o.put("warmPool", warmPool(d == null ? c.minWorkers() : d.desired()));
        cluster.put("autoscaler", o);
        cluster.put("vertical", vertical());
    }

    /** The warm pool's counts; standby workers themselves are listed among the workers, state "standby". */
    JsonObject warmPool(int inRotation) {
        WarmPool w = autoscaler.warmPool();
        return new JsonObject().put("size", w.size()).put("target", w.target(inRotation)).put("warm", new JsonArray(w.warm()))
                .put("starting", w.starting()).put("returning", w.returning()).put("standbyWorkers", autoscaler.standbyWorkers())
                .put("standbyWorkerSeconds", Math.round(autoscaler.standbyWorkerSeconds() * 1000) / 1000.0)
                .put("admitted", w.admitted()).put("started", w.started()).put("returned", w.returned())
                .put("refused", w.refused()).put("failed", w.failed()).put("lastRefusal", w.lastRefusal());
    }

    /** The advisor's view: current size, recommended size and why, from the usage the workers reported. */
    JsonObject vertical() {
        java.util.List<WorkerUsage> usage = autoscaler.observedUsage();
        WorkerSize now = currentSize.get();
        Decision d = autoscaler.lastDecision();
        int workers = Math.max(1, d == null ? autoscaler.config().minWorkers() : d.current());
        VerticalAdvisor.Recommendation r = advisor.recommend(usage, now, autoscaler.config().budget(), workers);
        return new JsonObject().put("current", size(now)).put("recommended", size(r.size())).put("changed", r.changed())
                .put("reason", r.reason()).put("usageSamples", usage.size()).put("minUsageSamples", MIN_USAGE_SAMPLES);
    }

    private static JsonObject size(WorkerSize s) {
        return new JsonObject().put("poolSize", s.poolSize()).put("eventLoops", s.eventLoops()).put("heapMb", s.heapMb());
    }

    /**
     * The dashboard's cluster point (GET /dashboard/live on the admin port): the last control steps as columns
     * (epoch millis, current, desired, ready), the newest decisions with their reasons, and the vertical advice.
     * Counts and reasons only: the dashboard is served without the admin token, as on a worker's management port.
     */
    public JsonObject dashboardPoint() {
        JsonArray at = new JsonArray();
        JsonArray current = new JsonArray();
        JsonArray desired = new JsonArray();
        JsonArray ready = new JsonArray();
        for (Autoscaler.Point p : autoscaler.history()) {
            at.add(p.at().toEpochMilli());
            current.add(p.current());
            desired.add(p.desired());
            ready.add(p.ready());
        }
        java.util.List<Decision> all = autoscaler.recentDecisions();
        JsonArray decisions = new JsonArray();
        for (int i = all.size() - 1; i >= 0 && decisions.size() < DASHBOARD_DECISIONS; i--) {
            decisions.add(decision(all.get(i)));
        }
        ScalingConfig c = autoscaler.config();
        Decision d = autoscaler.lastDecision();
        JsonObject cluster = new JsonObject().put("policy", autoscaler.policy().name()).put("minWorkers", c.minWorkers())
                .put("maxWorkers", c.maxWorkers()).put("current", d == null ? null : d.current())
                .put("desired", d == null ? null : d.desired()).put("ready", ready.isEmpty() ? null : ready.getValue(ready.size() - 1))
                .put("held", autoscaler.held()).put("failedActions", autoscaler.failedActions())
                .put("standby", autoscaler.standbyWorkers())
                .put("history", new JsonObject().put("at", at).put("current", current).put("desired", desired).put("ready", ready))
                .put("decisions", decisions).put("vertical", vertical());
        return new JsonObject().put("at", autoscaler.now().toEpochMilli()).put("cluster", cluster);
    }

    private static JsonObject decision(Decision d) {
        return new JsonObject().put("at", d.at().toString()).put("current", d.current()).put("desired", d.desired())
                .put("rule", d.rule()).put("reason", d.reason()).put("refused", d.refused());
    }

    /** Metric names: hexproperty_autoscaler_*; one tag key, rule. */
    String prometheus() {
        StringBuilder b = new StringBuilder();
        Decision d = autoscaler.lastDecision();
        gauge(b, "hexproperty_autoscaler_desired_workers", "Workers the policy wants", d == null ? Double.NaN : d.desired());
        gauge(b, "hexproperty_autoscaler_current_workers", "Workers ready or starting", d == null ? Double.NaN : d.current());
        gauge(b, "hexproperty_autoscaler_min_workers", "Lower bound", autoscaler.config().minWorkers());
        gauge(b, "hexproperty_autoscaler_max_workers", "Upper bound", autoscaler.config().maxWorkers());
        b.append("# HELP hexproperty_autoscaler_decisions_total Decisions that changed (or were refused), by deciding rule\n");
        b.append("# TYPE hexproperty_autoscaler_decisions_total counter\n");
        autoscaler.decisionsByRule().forEach((rule, n) -> b.append("hexproperty_autoscaler_decisions_total{rule=\"")
                .append(rule.replace("\"", "")).append("\"} ").append(n).append('\n'));
        gauge(b, "hexproperty_autoscaler_running_workers", "Workers running in rotation: ready, starting and draining", autoscaler.billedWorkers());
        WarmPool w = autoscaler.warmPool();
        gauge(b, "hexproperty_autoscaler_standby_workers", "Warm-pool standbys running out of rotation: warm and starting",
                autoscaler.standbyWorkers());
        gauge(b, "hexproperty_autoscaler_warm_pool_target", "Standbys the warm pool wants now: min(--warm-pool, max - in rotation)",
                w.target(d == null ? autoscaler.config().minWorkers() : d.desired()));
        // one counter, two roles: sum() is the bill, role="standby" what the warm pool adds to it
        b.append("# HELP hexproperty_autoscaler_worker_seconds_total Running workers integrated over time, by role (the scaling cost: "
                + "times the price of a worker-hour / 3600)\n# TYPE hexproperty_autoscaler_worker_seconds_total counter\n");
        b.append("hexproperty_autoscaler_worker_seconds_total{role=\"serving\"} ")
                .append(String.format(Locale.ROOT, "%.3f", autoscaler.workerSeconds())).append('\n');
        b.append("hexproperty_autoscaler_worker_seconds_total{role=\"standby\"} ")
                .append(String.format(Locale.ROOT, "%.3f", autoscaler.standbyWorkerSeconds())).append('\n');
        counter(b, "hexproperty_autoscaler_warm_pool_admissions_total", "Standbys admitted into rotation by a scale-out", w.admitted());
        counter(b, "hexproperty_autoscaler_warm_pool_returns_total", "Scaled-in workers drained back into the warm pool", w.returned());
        counter(b, "hexproperty_autoscaler_warm_pool_refusals_total", "Standby starts refused by the connection budget", w.refused());
        b.append("# HELP hexproperty_autoscaler_failed_actions_total Scale actions that failed\n# TYPE hexproperty_autoscaler_failed_actions_total counter\n");
        b.append("hexproperty_autoscaler_failed_actions_total ").append(autoscaler.failedActions()).append('\n');
        return b.toString();
    }

    private static void counter(StringBuilder b, String name, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(v).append('\n');
    }

    private static void gauge(StringBuilder b, String name, String help, double v) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.0f", v)).append('\n');
    }

    private static void json(HttpServerRequest req, int status, JsonObject body) {
        req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encodePrettily());
    }

    private static void problem(HttpServerRequest req, int status, String detail) {
        req.response().setStatusCode(status).putHeader("content-type", "application/problem+json")
                .end(new JsonObject().put("type", "https://hexproperty.io/problems/bad-parameter").put("title", "Bad parameter")
                        .put("status", status).put("detail", detail).encode());
    }
}
