package io.hexproperty.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert rules evaluated in the node, the same ones deploy/prometheus/alerts.yml gives Prometheus
 * (same names, thresholds and for-durations; values from the live window instead of PromQL).
 * A rule whose condition holds is pending; once it has held for its for-duration it fires; when it
 * stops holding it resolves. Firing and resolving are logged and POSTed to the webhook in
 * Alertmanager's webhook format. No data (NaN) never fires.
 */
final class AlertRules {
    private static final Logger LOG = LoggerFactory.getLogger(AlertRules.class);

    enum State { inactive, pending, firing }

    record Rule(String name, String severity, String summary, DoubleSupplier value, boolean above, double threshold,
                Duration forDuration) {
        boolean holds(double v) {
            return !Double.isNaN(v) && (above ? v > threshold : v < threshold);
        }
    }

    private static final class Status {
        State state = State.inactive;
        long sinceNanos;
        Instant since;
        double value = Double.NaN;
    }

    private final List<Rule> rules;
    private final Map<String, Status> status = new java.util.LinkedHashMap<>();
    private final LongSupplier nanos;
    private final Supplier<Instant> now;
    private final URI webhook;
    private final HttpClient http;

    AlertRules(List<Rule> rules, LongSupplier nanos, Supplier<Instant> now, URI webhook) {
        this.rules = List.copyOf(rules);
        this.nanos = nanos;
        this.now = now;
        this.webhook = webhook;
        this.http = webhook == null ? null : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (Rule r : rules) {
            status.put(r.name(), new Status());
        }
    }

    /** HexProperty's rules over the live window and the registry. */
    static List<Rule> standard(TrafficWindow window, MeterRegistry registry) {
        return List.of(
                new Rule("HexPropertyHighErrorRate", "page", "More than 1% of user requests fail with a server error",
                        () -> all(window, TrafficWindow.RouteFigures::errorRatio), true, 0.01, Duration.ofMinutes(2)),
                new Rule("HexPropertyLowApdex", "page", "Apdex of user requests below 0.85",
                        () -> all(window, TrafficWindow.RouteFigures::apdex), false, 0.85, Duration.ofMinutes(2)),
                new Rule("HexPropertySlowRequests", "ticket", "p99 of user requests above the 250 ms SLO",
                        () -> all(window, TrafficWindow.RouteFigures::p99), true, 0.25, Duration.ofMinutes(5)),
                new Rule("HexPropertyDbPoolWaiting", "ticket", "Requests wait for a PostgreSQL connection",
                        () -> registry.find("db.client.connections.waiters").gauges().stream()
                                .mapToDouble(Gauge::value).reduce(Double::sum).orElse(Double.NaN),
                        true, 0, Duration.ofMinutes(1)),
                new Rule("HexPropertyEventLoopBlocked", "page", "An event loop ran a task more than 100 ms late",
                        () -> registry.find("vertx.eventloop.delay").timers().stream()
                                .mapToDouble(t -> t.max(TimeUnit.SECONDS)).max().orElse(Double.NaN),
                        true, 0.1, Duration.ofMinutes(1)),
                new Rule("HexPropertyHeapAfterGcHigh", "ticket", "Live heap above 85% of the maximum after collection",
                        () -> heapAfterGc(registry), true, 0.85, Duration.ofMinutes(5)));
    }

    private static double all(TrafficWindow window, java.util.function.ToDoubleFunction<TrafficWindow.RouteFigures> f) {
        TrafficWindow.Figures figures = window.figures();
        return figures == null ? Double.NaN : f.applyAsDouble(figures.all());
    }

    private static double heapAfterGc(MeterRegistry registry) {
        double used = registry.find("jvm.memory.used.after.gc").tag("area", "heap").gauges().stream()
                .mapToDouble(Gauge::value).filter(v -> !Double.isNaN(v)).sum();
        double max = registry.find("jvm.memory.max").tag("area", "heap").gauges().stream()
                .mapToDouble(Gauge::value).filter(v -> v > 0).sum();
        return max > 0 ? used / max : Double.NaN;
    }

    synchronized void evaluate() {
        long t = nanos.getAsLong();
        for (Rule rule : rules) {
            Status s = status.get(rule.name());
            double v;
            try {
                v = rule.value().getAsDouble();
            } catch (RuntimeException e) {
                v = Double.NaN;
            }
            s.value = v;
            if (!rule.holds(v)) {
                if (s.state == State.firing) {
                    notify(rule, "resolved", s);
                }
                s.state = State.inactive;
                continue;
            }
            if (s.state == State.inactive) {
                s.state = State.pending;
                s.sinceNanos = t;
                s.since = now.get();
            }
            if (s.state == State.pending && t - s.sinceNanos >= rule.forDuration().toNanos()) {
                s.state = State.firing;
                notify(rule, "firing", s);
            }
        }
    }

    synchronized State state(String name) {
        return status.get(name).state;
    }

    /** Every rule with its state, for the dashboard. */
    synchronized JsonArray json() {
        JsonArray out = new JsonArray();
        for (Rule rule : rules) {
            Status s = status.get(rule.name());
            out.add(new JsonObject().put("name", rule.name()).put("state", s.state.name())
                    .put("since", s.state == State.inactive || s.since == null ? null : s.since.toEpochMilli())
                    .put("value", Double.isFinite(s.value) ? s.value : null)
                    .put("severity", rule.severity()).put("summary", rule.summary()));
        }
        return out;
    }

    private void notify(Rule rule, String what, Status s) {
        String line = rule.name() + " " + what + ": " + rule.summary() + " (value " + s.value + ", threshold "
                + (rule.above() ? "> " : "< ") + rule.threshold() + ", for " + rule.forDuration() + ")";
        if (what.equals("firing")) {
            LOG.warn("alert {}", line);
        } else {
            LOG.info("alert {}", line);
        }
        if (webhook == null) {
            return;
        }
        JsonObject alert = new JsonObject().put("status", what)
                .put("labels", new JsonObject().put("alertname", rule.name()).put("severity", rule.severity()))
                .put("annotations", new JsonObject().put("summary", rule.summary()))
                .put("startsAt", s.since == null ? null : s.since.toString())
                .put("endsAt", what.equals("resolved") ? now.get().toString() : null)
                .put("value", Double.isFinite(s.value) ? s.value : null);
        JsonObject body = new JsonObject().put("version", "4").put("status", what).put("receiver", "hexproperty")
                .put("groupLabels", new JsonObject().put("alertname", rule.name()))
                .put("alerts", new JsonArray(new ArrayList<>(List.of(alert))));
        HttpRequest request = HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, err) -> {
            if (err != null || r.statusCode() >= 300) {
                LOG.warn("alert webhook {} failed for {}: {}", webhook, rule.name(), err != null ? err.toString() : "status " + r.statusCode());
            }
        });
    }
}
