package io.hexproperty.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real-user monitoring, aggregated: the web vitals and navigation timings browsers send (web-vitals
 * library, Navigation Timing) as histograms per page template, their p75 (the percentile Core Web
 * Vitals are judged at), and sessions: bounce rate (sessions of one view) and session duration over
 * the most recent {@link #MAX_SESSIONS} sessions. Only known metric names and templates become series.
 */
public final class RumAggregator {
    /** Page templates: the first view of a page load. */
    public static final Set<String> TEMPLATES = Set.of("home", "search", "detail");
    static final int MAX_SESSIONS = 10_000;

    /** A metric browsers send: its Prometheus family, unit, the largest plausible value, and bucket bounds. */
    public enum Metric {
        TTFB("rum.ttfb", "Time to first byte of the page (web-vitals TTFB)", true),
        FCP("rum.fcp", "First contentful paint (web-vitals FCP)", true),
        LCP("rum.lcp", "Largest contentful paint (web-vitals LCP)", true),
        INP("rum.inp", "Interaction to next paint (web-vitals INP)", true),
        CLS("rum.cls", "Cumulative layout shift (web-vitals CLS), unitless", false),
        LOAD("rum.page.load", "Page load time: navigation start to the end of the load event (Navigation Timing)", true),
        TTI("rum.interactive", "Time to interactive, measured as DOM interactive (Navigation Timing domInteractive)", true),
        DNS("rum.dns", "DNS lookup time of the page (Navigation Timing)", true),
        CONNECT("rum.connect", "TCP and TLS connect time of the page (Navigation Timing)", true);

        final String family;
        final String help;
        final boolean millis;

        Metric(String family, String help, boolean millis) {
            this.family = family;
            this.help = help;
            this.millis = millis;
        }

        /** The largest value accepted: 10 minutes for times (milliseconds), 100 for CLS. */
        public double max() {
            return millis ? 600_000 : 100;
        }

        double[] buckets() {
            // Times: around the web-vitals thresholds (TTFB 0.8/1.8 s, FCP 1.8/3 s, LCP 2.5/4 s, INP 0.2/0.5 s).
            return millis ? new double[] {0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 1.8, 2.5, 3, 4, 6, 10, 20}
                    : new double[] {0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1};
        }
    }

    private record Session(int views, double seconds) {
    }

    private final MeterRegistry registry;
    private final Map<String, DistributionSummary> summaries = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
            return size() > MAX_SESSIONS;
        }
    };
    private final Counter beacons;

    public RumAggregator(MeterRegistry registry) {
        this.registry = registry;
        this.beacons = Counter.builder("rum.beacons").description("RUM beacons accepted from browsers").register(registry);
        for (String template : TEMPLATES) {
            for (Metric m : Metric.values()) {
                summary(m, template);
            }
        }
        Gauge.builder("rum.sessions", this, RumAggregator::sessionCount)
                .description("Browser sessions the bounce rate and session duration are computed over (most recent, at most 10,000)")
                .register(registry);
        Gauge.builder("rum.bounce.ratio", this, RumAggregator::bounceRatio)
                .description("Share of recent browser sessions with a single view").register(registry);
        for (String template : TEMPLATES) {
            Gauge.builder("rum.apdex", this, r -> r.userApdex(template)).tag("template", template)
                    .description("User satisfaction from real page loads: Apdex of LCP with T = 2.5 s (the web-vitals "
                            + "'good' limit), tolerating up to 4T, since start").register(registry);
        }
        Gauge.builder("rum.session.duration.mean", this, RumAggregator::meanSessionSeconds).baseUnit("seconds")
                .description("Mean duration of recent browser sessions, first view to last beacon").register(registry);
    }

    private DistributionSummary summary(Metric m, String template) {
        return summaries.computeIfAbsent(m.name() + '|' + template, k -> DistributionSummary.builder(m.family)
                .baseUnit(m.millis ? "seconds" : null).description(m.help).tag("template", template)
                .serviceLevelObjectives(m.buckets()).register(registry));
    }

    /**
     * Records one validated beacon: {@code values} by metric (times in milliseconds, as browsers
     * measure them), and the session's views and duration so far.
     */
    public void record(String template, Map<Metric, Double> values, String sessionId, int views, double sessionSeconds) {
        if (!TEMPLATES.contains(template)) {
            throw new IllegalArgumentException("unknown template " + template);
        }
        beacons.increment();
        values.forEach((m, v) -> summary(m, template).record(m.millis ? v / 1000 : v));
        synchronized (sessions) {
            Session before = sessions.get(sessionId);
            // a session's beacons may arrive out of order: keep the furthest it got
            sessions.put(sessionId, before == null ? new Session(views, sessionSeconds)
                    : new Session(Math.max(views, before.views()), Math.max(sessionSeconds, before.seconds())));
        }
    }

    /** Apdex of LCP (T = 2.5 s, 4T = 10 s): both are bucket bounds of the LCP histogram. */
    double userApdex(String template) {
        var snapshot = summary(Metric.LCP, template).takeSnapshot();
        long n = snapshot.count();
        if (n == 0) {
            return Double.NaN;
        }
        double satisfied = 0;
        double withinFourT = 0;
        for (CountAtBucket b : snapshot.histogramCounts()) {
            if (b.bucket() == 2.5) {
                satisfied = b.count();
            } else if (b.bucket() == 10) {
                withinFourT = b.count();
            }
        }
        return (satisfied + (withinFourT - satisfied) / 2) / n;
    }

    double sessionCount() {
        synchronized (sessions) {
            return sessions.size();
        }
    }

    double bounceRatio() {
        synchronized (sessions) {
            if (sessions.isEmpty()) {
                return Double.NaN;
            }
            return sessions.values().stream().filter(s -> s.views() <= 1).count() / (double) sessions.size();
        }
    }

    double meanSessionSeconds() {
        synchronized (sessions) {
            return sessions.values().stream().mapToDouble(Session::seconds).average().orElse(Double.NaN);
        }
    }

    /** p75 of each metric per template since start (null where nothing was recorded), plus sessions. */
    public JsonObject p75Json() {
        JsonObject out = new JsonObject();
        for (String template : new TreeMap<>(Map.of("home", 0, "search", 0, "detail", 0)).keySet()) {
            JsonObject t = new JsonObject();
            for (Metric m : Metric.values()) {
                t.put(m.name(), p75(summary(m, template)));
            }
            double apdex = userApdex(template);
            t.put("apdex", Double.isNaN(apdex) ? null : apdex);
            out.put(template, t);
        }
        double bounce = bounceRatio();
        double duration = meanSessionSeconds();
        out.put("sessions", sessionCount()).put("bounceRatio", Double.isNaN(bounce) ? null : bounce)
                .put("sessionSeconds", Double.isNaN(duration) ? null : duration);
        return out;
    }

    static Double p75(DistributionSummary s) {
        var snapshot = s.takeSnapshot();
        long n = snapshot.count();
        if (n == 0) {
            return null;
        }
        TreeMap<Double, Long> cumulative = new TreeMap<>();
        for (CountAtBucket b : snapshot.histogramCounts()) {
            cumulative.put(b.bucket(), (long) b.count());
        }
        if (cumulative.isEmpty() || cumulative.lastEntry().getValue() < 0.75 * n) {
            return snapshot.max(); // past the last bound
        }
        return TrafficWindow.quantile(cumulative, n, 0.75);
    }
}
