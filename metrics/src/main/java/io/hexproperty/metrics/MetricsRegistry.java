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
    // Micrometer holds the objects of function meters weakly: this keeps /proc readers alive.
    private final ProcessMetrics process = new ProcessMetrics();

    public MetricsRegistry(String application) {
        // Filters apply to meters registered after them: first, before any binder.
        registry.config().meterFilter(new MetricHygiene());
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

    /** The Prometheus text exposition (format 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        vertx.close();
        gc.close();
        registry.close();
    }
}
