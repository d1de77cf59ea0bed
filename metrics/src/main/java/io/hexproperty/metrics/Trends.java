package io.hexproperty.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Trend detection over the last 30 minutes for the series a soak run watches: heap in use after GC
 * and resident memory (a leak climbs), p99 of user requests (a slow degradation climbs), open HTTP
 * connections and PostgreSQL connections leased (a connection leak climbs), and the database's size
 * (bloat or an unpruned table climbs).
 * Exposed as the slope per hour (in the series' unit: bytes, seconds) and whether it is significant.
 */
final class Trends {
    static final double WINDOW_SECONDS = 1800;
    private final Map<String, Trend> trends = new LinkedHashMap<>();
    private final Map<String, DoubleSupplier> sources = new LinkedHashMap<>();

    Trends(MeterRegistry registry, MetricsConfig config, Map<String, DoubleSupplier> series) {
        int capacity = (int) Math.max(Trend.MIN_SAMPLES, WINDOW_SECONDS / (config.step().toMillis() / 1000.0));
        series.forEach((name, source) -> {
            Trend trend = new Trend(capacity);
            trends.put(name, trend);
            sources.put(name, source);
            Gauge.builder("hexproperty.trend.slope", trend, t -> t.fit().slopePerSecond() * 3600).tag("series", name)
                    .description("Least-squares slope per hour over the last 30 minutes, in the unit of the series "
                            + "(heap_after_gc and rss: bytes, p99: seconds, open_connections and db_pool_used: connections, db_size: bytes)").strongReference(true).register(registry);
            Gauge.builder("hexproperty.trend.significant", trend, t -> t.fit().significant() ? 1 : 0).tag("series", name)
                    .description("1 when that slope is significant (|t| > 3 over at least 30 samples)")
                    .strongReference(true).register(registry);
        });
    }

    void sample(double seconds) {
        sources.forEach((name, source) -> trends.get(name).add(seconds, source.getAsDouble()));
    }
}
