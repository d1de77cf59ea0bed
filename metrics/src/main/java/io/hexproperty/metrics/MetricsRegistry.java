package io.hexproperty.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.spi.VertxMetricsFactory;

/**
 * The process-wide Prometheus registry with JVM and process metrics bound. One per JVM; adapters
 * register their own meters on {@link #registry()}. Every meter passes {@link MetricHygiene} first,
 * so names, units, HELP texts and histogram buckets follow one convention whoever registers them.
 */
public final class MetricsRegistry implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final VertxMeters vertx;
    private final MetricHygiene hygiene = new MetricHygiene();
    private volatile TrafficWindow window;
    private volatile RumAggregator rum;
    private volatile AlertRules alerts;
    private volatile Trends trends;
    private java.util.concurrent.ScheduledExecutorService sampler;
    // Micrometer holds the objects of function meters weakly: this keeps /proc readers alive.
    private final ProcessMetrics process = new ProcessMetrics();

    public MetricsRegistry(String application) {
        // Filters apply to meters registered after them: first, before any binder.
        registry.config().meterFilter(hygiene);
        registry.config().commonTags("application", application);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        process.bindTo(registry);
        this.vertx = new VertxMeters(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * The metrics factory for {@code Vertx.builder().withMetrics(...)}: Vert.x Micrometer's meters plus
     * SQL statement time by statement name, external-service time, HTTP connections and wire bytes,
     * and event-loop delay.
     */
    public VertxMetricsFactory vertxMetrics() {
        return vertx;
    }

    /**
     * Starts the derived metrics (Apdex, error ratio, cost, the live window the dashboard shows) with
     * {@code config}. Call once, before the first request is served: T shapes the request histograms.
     */
    public synchronized void start(MetricsConfig config) {
        if (window != null) {
            throw new IllegalStateException("derived metrics already started");
        }
        hygiene.apdexT(config.apdexT());
        rum = new RumAggregator(registry);
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        java.util.function.DoubleSupplier cpu = os instanceof com.sun.management.OperatingSystemMXBean sun
                ? () -> sun.getProcessCpuTime() / 1e9 : () -> -1;
        TrafficWindow.CostMeter cost = new TrafficWindow.CostMeter(registry, config, cpu, process::rssBytes);
        window = new TrafficWindow(registry, config, cost, System::nanoTime);
        alerts = new AlertRules(AlertRules.standard(window, registry), System::nanoTime, java.time.Instant::now,
                config.alertWebhook());
        TrafficWindow w = window;
        trends = new Trends(registry, config, java.util.Map.of(
                "heap_after_gc", () -> registry.find("jvm.memory.used.after.gc").tag("area", "heap").gauges().stream()
                        .mapToDouble(io.micrometer.core.instrument.Gauge::value).filter(v -> !Double.isNaN(v)).sum(),
                "rss", process::rssBytes,
                "p99", () -> w.figures() == null ? Double.NaN : w.figures().all().p99(),
                "open_connections", () -> LiveJson.sum(registry, "http.server.active"),
                "db_pool_used", () -> LiveJson.sum(registry, "db.client.connections.used"),
                "db_size", () -> LiveJson.sum(registry, "db.size")));
        sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hexproperty-metrics-window");
            t.setDaemon(true);
            return t;
        });
        long step = config.step().toMillis();
        sampler.scheduleAtFixedRate(() -> {
            try {
                window.sample();
                alerts.evaluate();
                trends.sample(System.nanoTime() / 1e9);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(MetricsRegistry.class).warn("metrics window sample failed: {}", e.toString());
            }
        }, 0, step, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** The live window's figures as JSON (for the dashboard), or null before the first sample. */
    public String liveJson() {
        TrafficWindow w = window;
        RumAggregator r = rum;
        AlertRules a = alerts;
        return w == null || w.figures() == null ? null
                : LiveJson.of(w.figures(), registry, r == null ? null : r.p75Json(), a == null ? null : a.json());
    }

    /** Real-user monitoring's aggregation (after {@link #start}). */
    public RumAggregator rum() {
        RumAggregator r = rum;
        if (r == null) {
            throw new IllegalStateException("start(MetricsConfig) first");
        }
        return r;
    }

    /** The Prometheus text exposition (format 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
        vertx.close();
        gc.close();
        registry.close();
    }
}
