package io.hexproperty.http;

import io.hexproperty.metrics.RumAggregator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * {@code POST /rum}: the beacon the web page sends (navigator.sendBeacon) with its web vitals. Public
 * and unauthenticated, so it is defensive: at most {@link #MAX_BODY_BYTES}, only known fields and
 * plausible values (else 400 naming the field), rate-limited per client address (the TCP peer, or the client a
 * trusted proxy forwarded: {@link TrustedProxies}; 429 + Retry-After)
 * and overall, sampled per session (the same session is always in or out), never a 5xx, never a cookie.
 *
 * <pre>
 * {"v":1, "sid":"&lt;16-64 hex&gt;", "t":"home|search|detail", "views":N, "duration":ms,
 *  "m":{"TTFB":ms, "FCP":ms, "LCP":ms, "INP":ms, "CLS":x, "LOAD":ms, "TTI":ms, "DNS":ms, "CONNECT":ms}}
 * </pre>
 */
public final class RumEndpoint {
    public static final int MAX_BODY_BYTES = 4096;
    private static final Pattern SESSION = Pattern.compile("[0-9a-f]{16,64}");
    private static final int MAX_CLIENTS = 50_000;

    /** Per-session sampling rate (0..1), per-client budget (burst, then per minute) and overall beacons per second. */
    public record RumConfig(double sampleRate, int clientBurst, int clientPerMinute, int perSecond) {
        public RumConfig {
            if (!(sampleRate >= 0 && sampleRate <= 1)) {
                throw new IllegalArgumentException("--rum-sample must be between 0 and 1, got " + sampleRate);
            }
            if (clientBurst < 1 || clientPerMinute < 1 || perSecond < 1) {
                throw new IllegalArgumentException("RUM rate limits must be >= 1");
            }
        }

        public static RumConfig defaults() {
            return new RumConfig(1.0, 30, 30, 500);
        }

        public RumConfig withSampleRate(double rate) {
            return new RumConfig(rate, clientBurst, clientPerMinute, perSecond);
        }
    }

    private final RumAggregator aggregator;
    private final RumConfig config;
    private final LongSupplier nanos;
    private final Map<String, Bucket> clients = new ConcurrentHashMap<>();
    private final Bucket overall;
    private final Counter rejected;
    private final Counter limited;
    private final Counter sampledOut;

    private static final class Bucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long last;

        Bucket(double capacity, double perSecond, long now) {
            this.capacity = capacity;
            this.perNano = perSecond / 1e9;
            this.tokens = capacity;
            this.last = now;
        }

        synchronized boolean take(long now) {
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }

        synchronized boolean idle(long now) {
            return now - last > 120_000_000_000L;
        }
    }

    public RumEndpoint(RumAggregator aggregator, RumConfig config, MeterRegistry registry, LongSupplier nanos) {
        this.aggregator = aggregator;
        this.config = config;
        this.nanos = nanos;
        this.overall = new Bucket(config.perSecond(), config.perSecond(), nanos.getAsLong());
        String help = "RUM beacons not recorded, by reason";
        this.rejected = Counter.builder("rum.beacons.dropped").tag("reason", "invalid").description(help).register(registry);
        this.limited = Counter.builder("rum.beacons.dropped").tag("reason", "rate_limited").description(help).register(registry);
        this.sampledOut = Counter.builder("rum.beacons.dropped").tag("reason", "sampled_out").description(help).register(registry);
    }

    /** {@code client}: the address {@link TrustedProxies} resolved for the request. */
    void handle(RoutingContext ctx, String client) {
        try {
            long now = nanos.getAsLong();
            if (!overall.take(now) || !clientBucket(client, now).take(now)) {
                limited.increment();
                ctx.response().putHeader("Retry-After", "60");
                new Problem(429, "too-many-requests", "Too many requests",
                        "RUM beacons are limited per client", null).send(ctx.response());
                return;
            }
            Buffer body = ctx.body().buffer();
            if (body == null || body.length() == 0) {
                throw BadRequestException.parameter("body", "must be a RUM beacon (JSON object)");
            }
            accept(body);
            ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
        } catch (BadRequestException e) {
            rejected.increment();
            e.problem().send(ctx.response());
        } catch (RuntimeException e) {
            // Never a 5xx for a beacon: whatever went wrong, the browser has nothing to retry.
            rejected.increment();
            Problem.badParameter("body", "is not a valid RUM beacon").send(ctx.response());
        }
    }

    private Bucket clientBucket(String client, long now) {
        Bucket b = clients.get(client);
        if (b != null) {
            return b;
        }
        if (clients.size() >= MAX_CLIENTS) {
            for (Iterator<Bucket> it = clients.values().iterator(); it.hasNext(); ) {
                if (it.next().idle(now)) {
                    it.remove();
                }
            }
            if (clients.size() >= MAX_CLIENTS) {
                return new Bucket(0, 0, now); // full of active clients: refuse newcomers
            }
        }
        return clients.computeIfAbsent(client, k -> new Bucket(config.clientBurst(), config.clientPerMinute() / 60.0, now));
    }

    private void accept(Buffer body) {
        JsonObject json;
        try {
            json = new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            throw BadRequestException.parameter("body", "must be a JSON object");
        }
        for (String field : json.fieldNames()) {
            if (!java.util.Set.of("v", "sid", "t", "views", "duration", "m").contains(field)) {
                throw BadRequestException.parameter(field, "is not a field of a RUM beacon");
            }
        }
        if (!(json.getValue("v") instanceof Number v) || v.intValue() != 1) {
            throw BadRequestException.parameter("v", "must be 1");
        }
        String sid = json.getValue("sid") instanceof String s ? s : null;
        if (sid == null || !SESSION.matcher(sid).matches()) {
            throw BadRequestException.parameter("sid", "must be 16 to 64 lowercase hex digits");
        }
        String template = json.getValue("t") instanceof String s ? s : null;
        if (template == null || !RumAggregator.TEMPLATES.contains(template)) {
            throw BadRequestException.parameter("t", "must be one of " + new java.util.TreeSet<>(RumAggregator.TEMPLATES));
        }
        int views = (int) number(json, "views", 1, 100_000);
        double duration = number(json, "duration", 0, 86_400_000);
        if (!(json.getValue("m") instanceof JsonObject m)) {
            throw BadRequestException.parameter("m", "must be an object of metric values");
        }
        Map<RumAggregator.Metric, Double> values = new EnumMap<>(RumAggregator.Metric.class);
        for (String name : m.fieldNames()) {
            RumAggregator.Metric metric;
            try {
                metric = RumAggregator.Metric.valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw BadRequestException.parameter("m." + SearchParameters.clip(name), "is not a known metric");
            }
            values.put(metric, number(m, name, 0, metric.max(), "m." + name));
        }
        if (!sampled(sid)) {
            sampledOut.increment();
            return;
        }
        aggregator.record(template, values, sid, views, duration / 1000);
    }

    /** The whole session is in or out, so its views and vitals stay together. */
    private boolean sampled(String sid) {
        if (config.sampleRate() >= 1) {
            return true;
        }
        long h = Long.parseUnsignedLong(sid.substring(0, 12), 16);
        return (h % 10_000) < config.sampleRate() * 10_000;
    }

    private static double number(JsonObject json, String field, double min, double max) {
        return number(json, field, min, max, field);
    }

    private static double number(JsonObject json, String field, double min, double max, String name) {
        if (!(json.getValue(field) instanceof Number n) || !Double.isFinite(n.doubleValue())
                || n.doubleValue() < min || n.doubleValue() > max) {
            throw BadRequestException.parameter(name, "must be a number between " + (long) min + " and " + (long) max);
        }
        return n.doubleValue();
    }
}
