package io.hexproperty.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The live figures of the last {@link MetricsConfig#window()}: per route and overall, request rate,
 * error ratio, Apdex and latency percentiles, and the cost of the requests served. Every
 * {@link MetricsConfig#step()} it takes the cumulative counts of the request histograms (their
 * buckets include T and 4T) and of the cost counters; a figure is the difference between the newest
 * and the oldest sample in the window, so nothing is recorded twice on the request path.
 *
 * <p>Apdex per route = (satisfied + tolerating / 2) / all, where satisfied took at most T, tolerating
 * at most 4T, and a server error (5xx) is frustrated whatever its time. Routes of the management port
 * (/metrics, /admin, /dashboard) and the RUM beacon are left out of the overall figures: they are not
 * what users wait for.
 */
final class TrafficWindow {
    static final String REQUESTS = "http.server.requests";
    static final String ALL = "all";

    /** Figures of one route (or {@link #ALL}) over the window; NaN where there was no request. */
    record RouteFigures(String route, long requests, double rate, double errorRatio, double apdex,
                        double p50, double p95, double p99) {
    }

    record Figures(long atMillis, double windowSeconds, RouteFigures all, List<RouteFigures> routes,
                   double costPerThousand, double costPerHour) {
    }

    /** Cumulative counts of one route at one sample. */
    private static final class Counts {
        long count;
        long errors;
        long satisfied;
        long tolerating;
        final TreeMap<Double, Long> buckets = new TreeMap<>(); // upper bound (seconds) -> cumulative count
    }

    private record Sample(long nanos, Map<String, Counts> routes, double cost) {
    }

    private final MeterRegistry registry;
    private final MetricsConfig config;
    private final LongSupplier nanos;
    private final CostMeter cost;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final Map<String, RouteFigures> latest = new ConcurrentHashMap<>();
    private volatile Figures figures;

    TrafficWindow(MeterRegistry registry, MetricsConfig config, CostMeter cost, LongSupplier nanos) {
        this.registry = registry;
        this.config = config;
        this.cost = cost;
        this.nanos = nanos;
        Gauge.builder("hexproperty.apdex", this, w -> w.figure(ALL, RouteFigures::apdex))
                .description("Apdex of user requests over the live window (T from --apdex-t; 1 = all satisfied)")
                .register(registry);
        Gauge.builder("hexproperty.error.ratio", this, w -> w.figure(ALL, RouteFigures::errorRatio))
                .description("Share of user requests answered with a server error (5xx) over the live window")
                .register(registry);
        Gauge.builder("hexproperty.cost.per.thousand.requests", this, w -> w.figures == null ? Double.NaN
                        : w.figures.costPerThousand()).baseUnit("usd")
                .description("Cost of this node's CPU and memory per 1,000 user requests over the live window")
                .register(registry);
    }

    private double figure(String route, java.util.function.ToDoubleFunction<RouteFigures> f) {
        RouteFigures r = latest.get(route);
        return r == null ? Double.NaN : f.applyAsDouble(r);
    }

    synchronized void sample() {
        long now = nanos.getAsLong();
        cost.sample(now);
        Sample sample = new Sample(now, counts(), cost.total());
        samples.addLast(sample);
        long windowNanos = config.window().toNanos();
        while (samples.size() > 2 && now - samples.getFirst().nanos() > windowNanos) {
            samples.removeFirst();
        }
        Sample oldest = samples.getFirst();
        double seconds = (now - oldest.nanos()) / 1e9;
        List<RouteFigures> routes = new ArrayList<>();
        Counts all = new Counts();
        Counts allBefore = new Counts();
        for (var e : sample.routes().entrySet()) {
            Counts before = oldest.routes().getOrDefault(e.getKey(), new Counts());
            RouteFigures r = figures(e.getKey(), e.getValue(), before, seconds);
            routes.add(r);
            if (userRoute(e.getKey())) {
                add(all, e.getValue());
                add(allBefore, before);
            }
        }
        RouteFigures total = figures(ALL, all, allBefore, seconds);
        for (RouteFigures r : routes) {
            if (latest.put(r.route(), r) == null) {
                Gauge.builder("http.server.apdex", latest, m -> {
                            RouteFigures f = m.get(r.route());
                            return f == null ? Double.NaN : f.apdex();
                        }).tag("route", r.route())
                        .description("Apdex of a route over the live window (T from --apdex-t; 5xx counts as frustrated)")
                        .register(registry);
            }
        }
        latest.put(ALL, total);
        double costDelta = sample.cost() - oldest.cost();
        long requests = total.requests();
        figures = new Figures(System.currentTimeMillis(), seconds, total, List.copyOf(routes),
                requests == 0 ? Double.NaN : costDelta / requests * 1000, seconds == 0 ? Double.NaN : costDelta / seconds * 3600);
    }

    Figures figures() {
        return figures;
    }

    static boolean userRoute(String route) {
        return !(route.startsWith("/metrics") || route.startsWith("/admin") || route.startsWith("/dashboard")
                || route.startsWith("/rum") || route.startsWith("/health"));
    }

    private Map<String, Counts> counts() {
        double t = config.apdexT().toNanos() / 1e9;
        Map<String, Counts> routes = new HashMap<>();
        for (Timer timer : registry.find(REQUESTS).timers()) {
            String route = timer.getId().getTag("route");
            String status = timer.getId().getTag("status");
            if (route == null) {
                continue;
            }
            boolean serverError = status != null && status.startsWith("5");
            HistogramSnapshot snapshot = timer.takeSnapshot();
            Counts c = routes.computeIfAbsent(route, k -> new Counts());
            c.count += snapshot.count();
            if (serverError) {
                c.errors += snapshot.count();
            }
            for (CountAtBucket b : snapshot.histogramCounts()) {
                double bound = b.bucket(TimeUnit.SECONDS);
                long n = (long) b.count();
                c.buckets.merge(bound, n, Long::sum);
                if (!serverError && Math.abs(bound - t) < 1e-9) {
                    c.satisfied += n;
                } else if (!serverError && Math.abs(bound - 4 * t) < 1e-9) {
                    c.tolerating += n; // cumulative up to 4T; satisfied is subtracted below
                }
            }
        }
        return routes;
    }

    private static void add(Counts into, Counts c) {
        into.count += c.count;
        into.errors += c.errors;
        into.satisfied += c.satisfied;
        into.tolerating += c.tolerating;
        c.buckets.forEach((k, v) -> into.buckets.merge(k, v, Long::sum));
    }

    private static RouteFigures figures(String route, Counts now, Counts before, double seconds) {
        long n = now.count - before.count;
        if (n <= 0) {
            return new RouteFigures(route, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        long satisfied = now.satisfied - before.satisfied;
        long withinFourT = now.tolerating - before.tolerating;
        double apdex = (satisfied + (withinFourT - satisfied) / 2.0) / n;
        TreeMap<Double, Long> delta = new TreeMap<>();
        now.buckets.forEach((bound, count) -> delta.put(bound, count - before.buckets.getOrDefault(bound, 0L)));
        return new RouteFigures(route, n, seconds == 0 ? Double.NaN : n / seconds,
                (double) (now.errors - before.errors) / n, apdex,
                quantile(delta, n, 0.50), quantile(delta, n, 0.95), quantile(delta, n, 0.99));
    }

    /**
     * The q-quantile in seconds from cumulative bucket counts, interpolated linearly inside the bucket
     * (as Prometheus's histogram_quantile does); past the last bound, that bound.
     */
    static double quantile(TreeMap<Double, Long> cumulative, long total, double q) {
        double rank = q * total;
        double lowerBound = 0;
        long lowerCount = 0;
        for (var e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                long inBucket = e.getValue() - lowerCount;
                return inBucket <= 0 ? e.getKey() : lowerBound + (e.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = e.getKey();
            lowerCount = e.getValue();
        }
        return lowerBound;
    }

    /**
     * This node's resource cost: CPU-seconds of the process and GB-seconds of its resident memory at
     * the configured prices, plus database maintenance time at the CPU price. The database server's
     * own CPU and memory are not in it (it is another process, often another machine).
     */
    static final class CostMeter {
        private final MeterRegistry registry;
        private final MetricsConfig config;
        private final java.util.function.DoubleSupplier cpuSeconds;
        private final java.util.function.DoubleSupplier rssBytes;
        private long lastNanos = -1;
        private volatile double byteSeconds;

        CostMeter(MeterRegistry registry, MetricsConfig config, java.util.function.DoubleSupplier cpuSeconds,
                  java.util.function.DoubleSupplier rssBytes) {
            this.registry = registry;
            this.config = config;
            this.cpuSeconds = cpuSeconds;
            this.rssBytes = rssBytes;
            FunctionCounter.builder("hexproperty.memory.integral", this, c -> c.byteSeconds).baseUnit("byte_seconds")
                    .description("Resident memory integrated over time (GB-seconds x 1e9), what memory is billed by")
                    .register(registry);
            String help = "Cost of this node at the configured prices, by resource (cpu, memory, maintenance)";
            FunctionCounter.builder("hexproperty.cost", this, CostMeter::cpu).tag("resource", "cpu").baseUnit("usd")
                    .description(help).register(registry);
            FunctionCounter.builder("hexproperty.cost", this, CostMeter::memory).tag("resource", "memory").baseUnit("usd")
                    .description(help).register(registry);
            FunctionCounter.builder("hexproperty.cost", this, CostMeter::maintenance).tag("resource", "maintenance")
                    .baseUnit("usd").description(help).register(registry);
        }

        synchronized void sample(long nowNanos) {
            if (lastNanos >= 0) {
                double rss = rssBytes.getAsDouble();
                if (rss > 0) {
                    byteSeconds += rss * (nowNanos - lastNanos) / 1e9;
                }
            }
            lastNanos = nowNanos;
        }

        double cpu() {
            double s = cpuSeconds.getAsDouble();
            return s >= 0 ? s * config.cpuHourPrice() / 3600 : 0;
        }

        double memory() {
            return byteSeconds / 1e9 * config.gbHourPrice() / 3600;
        }

        double maintenance() {
            double seconds = 0;
            for (Timer t : registry.find("db.maintenance.duration").timers()) {
                seconds += t.totalTime(TimeUnit.SECONDS);
            }
            return seconds * config.cpuHourPrice() / 3600;
        }

        double total() {
            return cpu() + memory() + maintenance();
        }
    }
}
