package io.hexproperty.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.TreeMap;

/**
 * One point of the live dashboard: the window's figures plus the current value of the gauges and
 * counters it charts (cache lookups per tier, the database pool, replica lag, RUM p75). Counters are
 * cumulative; the page charts their change between points.
 */
final class LiveJson {
    private LiveJson() {
    }

    static String of(TrafficWindow.Figures f, MeterRegistry registry, JsonObject rum, JsonArray alerts) {
        JsonObject json = new JsonObject()
                .put("at", f.atMillis())
                .put("windowSeconds", round(f.windowSeconds()))
                .put("all", route(f.all()))
                .put("costPerThousand", num(f.costPerThousand()))
                .put("costPerHour", num(f.costPerHour()));
        JsonArray routes = new JsonArray();
        f.routes().stream().filter(r -> r.requests() > 0).forEach(r -> routes.add(route(r)));
        json.put("routes", routes);
        TreeMap<String, JsonObject> tiers = new TreeMap<>();
        for (Counter c : registry.find("cache.gets").counters()) {
            String tier = c.getId().getTag("cache") + "/" + c.getId().getTag("tier");
            String result = c.getId().getTag("result");
            JsonObject t = tiers.computeIfAbsent(tier, k -> new JsonObject().put("hit", 0.0).put("miss", 0.0));
            if (result != null && t.containsKey(result)) {
                t.put(result, t.getDouble(result) + c.count());
            }
        }
        json.put("cache", new JsonObject(new java.util.LinkedHashMap<>(tiers)));
        json.put("db", new JsonObject()
                .put("used", num(sum(registry, "db.client.connections.used")))
                .put("max", num(sum(registry, "db.client.connections.max")))
                .put("waiters", num(sum(registry, "db.client.connections.waiters")))
                .put("replicaLagSeconds", num(max(registry, "db.replica.lag"))));
        json.put("cost", cost(registry));
        if (rum != null) {
            json.put("rum", rum);
        }
        if (alerts != null) {
            json.put("alerts", alerts);
        }
        return json.encode();
    }

    /** Cost since start by resource, and what maintenance used (time, its backends' CPU and I/O). */
    private static JsonObject cost(MeterRegistry registry) {
        JsonObject usd = new JsonObject();
        for (io.micrometer.core.instrument.FunctionCounter c : registry.find("hexproperty.cost").functionCounters()) {
            usd.put(c.getId().getTag("resource"), num(c.count()));
        }
        double maintenanceSeconds = 0;
        long actions = 0;
        for (io.micrometer.core.instrument.Timer t : registry.find("db.maintenance.duration").timers()) {
            maintenanceSeconds += t.totalTime(java.util.concurrent.TimeUnit.SECONDS);
            actions += t.count();
        }
        double read = 0;
        double written = 0;
        for (Counter c : registry.find("db.maintenance.io").counters()) {
            if ("read".equals(c.getId().getTag("direction"))) {
                read += c.count();
            } else {
                written += c.count();
            }
        }
        double cpu = 0;
        for (Counter c : registry.find("db.maintenance.cpu").counters()) {
            cpu += c.count();
        }
        return new JsonObject().put("usd", usd).put("maintenanceActions", actions)
                .put("maintenanceSeconds", num(maintenanceSeconds)).put("maintenanceCpuSeconds", num(cpu))
                .put("maintenanceReadBytes", num(read)).put("maintenanceWrittenBytes", num(written));
    }

    private static JsonObject route(TrafficWindow.RouteFigures r) {
        return new JsonObject().put("route", r.route()).put("requests", r.requests()).put("rate", num(r.rate()))
                .put("errorRatio", num(r.errorRatio())).put("apdex", num(r.apdex()))
                .put("p50", num(r.p50())).put("p95", num(r.p95())).put("p99", num(r.p99()));
    }

    static double sum(MeterRegistry registry, String name) {
        double s = 0;
        boolean any = false;
        for (Gauge g : registry.find(name).gauges()) {
            s += g.value();
            any = true;
        }
        return any ? s : Double.NaN;
    }

    private static double max(MeterRegistry registry, String name) {
        double m = Double.NaN;
        for (Gauge g : registry.find(name).gauges()) {
            m = Double.isNaN(m) ? g.value() : Math.max(m, g.value());
        }
        return m;
    }

    /** JSON has no NaN: absent figures are null. */
    private static Double num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : round(v);
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
