package io.hexproperty.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.util.Map;

/**
 * One place that makes every meter fit Prometheus and OpenTelemetry conventions, whatever module or
 * library registered it: a HELP text for each family ({@link MetricCatalog}), units spelled out, the
 * Vert.x SQL pool renamed into the {@code db_client_connections_} family (the replica
 * set's own per-node {@code db_pool_*} meters keep their names), and histogram buckets chosen per metric
 * ({@link Buckets}) instead of a percentile histogram of 69 buckets per label set.
 */
final class MetricHygiene implements MeterFilter {
    // Vert.x Micrometer's pool meters for pool_type="sql": the database pool, under db_*.
    private static final Map<String, String> SQL_POOL = Map.of(
            "vertx.pool.in.use", "db.client.connections.used",
            "vertx.pool.queue.pending", "db.client.connections.waiters",
            "vertx.pool.queue.time", "db.client.connections.wait",
            "vertx.pool.usage", "db.client.connections.use",
            "vertx.pool.completed", "db.client.connections.leases",
            "vertx.pool.ratio", "db.client.connections.utilization");
    private static final Map<String, String> RENAMED = Map.of(
            // a gauge named like a histogram's _count series; OpenTelemetry's system.cpu.logical.count
            "system.cpu.count", "system.cpu.logical",
            "vertx.sql.processing.pending", "db.statements.pending",
            "vertx.sql.resets", "db.statements.reset");

    // Apdex needs bucket bounds at T and 4T on the request histograms.
    private volatile java.time.Duration apdexT = MetricsConfig.defaults().apdexT();

    void apdexT(java.time.Duration t) {
        this.apdexT = t;
    }

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        return switch (id.getName()) {
            // nanoseconds in the name (process_cpu_time_ns_total): ProcessMetrics registers process.cpu in seconds
            case "process.cpu.time" -> MeterFilterReply.DENY;
            // the same time per statement name is db.statement.duration
            case "vertx.sql.processing.time" -> MeterFilterReply.DENY;
            default -> MeterFilterReply.NEUTRAL;
        };
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        Meter.Id mapped = id;
        String pool = SQL_POOL.get(id.getName());
        if (pool != null && "sql".equals(id.getTag("pool_type"))) {
            mapped = mapped.withName(pool).replaceTags(withoutTag(id.getTagsAsIterable(), "pool_type"));
        }
        String renamed = RENAMED.get(id.getName());
        if (renamed != null) {
            mapped = mapped.withName(renamed);
        }
        if (mapped.getDescription() == null || mapped.getDescription().isBlank()) {
            String help = MetricCatalog.help(mapped.getName());
            if (help != null) {
                mapped = new Meter.Id(mapped.getName(), Tags.of(mapped.getTagsAsIterable()), mapped.getBaseUnit(), help,
                        mapped.getType());
            }
        }
        return mapped;
    }

    @Override
    public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getType() != Meter.Type.TIMER) {
            return config;
        }
        Buckets buckets = MetricCatalog.buckets(id.getName());
        if (buckets == null) {
            if (!Boolean.TRUE.equals(config.isPercentileHistogram())) {
                return config;
            }
            buckets = Buckets.REQUEST;
        }
        double[] bounds = buckets.nanos();
        if (id.getName().equals(TrafficWindow.REQUESTS)) {
            bounds = java.util.stream.DoubleStream.concat(java.util.Arrays.stream(bounds),
                    java.util.stream.DoubleStream.of(apdexT.toNanos(), 4 * apdexT.toNanos())).distinct().sorted().toArray();
        }
        return DistributionStatisticConfig.builder()
                .percentilesHistogram(false)
                .serviceLevelObjectives(bounds)
                .build()
                .merge(config);
    }

    private static Tags withoutTag(Iterable<Tag> tags, String key) {
        Tags kept = Tags.empty();
        for (Tag tag : tags) {
            if (!tag.getKey().equals(key)) {
                kept = kept.and(tag);
            }
        }
        return kept;
    }
}
