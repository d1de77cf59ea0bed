package io.hexproperty.metrics;

import java.util.Map;

/**
 * HELP texts for meters registered without one (by other modules or libraries) and the bucket set of
 * each timer that is published as a histogram. A name here is the Micrometer name (dots); the
 * Prometheus family adds the unit and suffix ({@code cache.gets} is {@code cache_gets_total}).
 */
final class MetricCatalog {
    private MetricCatalog() {
    }

    private static final Map<String, String> HELP = Map.ofEntries(
            Map.entry("cache.gets", "Cache lookups by cache, tier and result (hit, miss)"),
            Map.entry("cache.loads", "Loads from the origin after a cache miss, by result"),
            Map.entry("cache.load.duration", "Time to load a missing cache entry from the origin, by result"),
            Map.entry("cache.evictions", "Entries removed from a cache tier, by cause"),
            Map.entry("cache.installs.refused", "Loaded values not installed because they were stale, by reason"),
            Map.entry("cache.refreshes", "Entries refreshed ahead of expiry, by trigger"),
            Map.entry("cache.size", "Entries held by a cache tier (estimate)"),
            Map.entry("cache.weight", "Bytes held by a cache tier bounded by bytes (the search pages)"),
            Map.entry("cache.disk.entries", "Entries held by the disk cache tier"),
            Map.entry("cache.disk.bytes", "Bytes held by the disk cache tier"),
            Map.entry("cache.disk.writes", "Entries written to the disk cache tier, by result"),
            Map.entry("cache.disk.corrupt", "Corrupt disk cache files found, by action taken"),
            Map.entry("cache.l2.errors", "Failed operations on the shared (Redis) cache tier, by operation"),
            Map.entry("cache.l2.invalidations.pending", "Invalidations waiting to be sent to the shared cache tier"),
            Map.entry("cache.l2.invalidations.dropped", "Invalidations dropped before reaching the shared cache tier, by reason"),
            Map.entry("cache.writebehind.batches", "Write-behind batches applied to the store, by result"),
            Map.entry("db.maintenance.duration", "Time of a database maintenance action, by action"),
            Map.entry("db.maintenance.actions", "Database maintenance actions run, by action and table"),
            Map.entry("db.maintenance.failures", "Database maintenance actions that failed, by action and table"),
            Map.entry("db.maintenance.postponed", "Maintenance runs postponed because the API was busy"),
            Map.entry("db.slow.captured", "Slow statements captured with their plan, by source"),
            Map.entry("db.slow.dropped", "Slow statements not captured because the sampler was busy"),
            Map.entry("db.reads", "Reads routed to a database node, by node"),
            Map.entry("db.node.ejections", "Times a database node was taken out of rotation"),
            Map.entry("cdn.purge.keys", "Surrogate keys sent in CDN purge requests"),
            Map.entry("cdn.purge.requests", "CDN purge requests, by result"));

    private static final Map<String, Buckets> BUCKETS = Map.ofEntries(
            Map.entry("http.server.requests", Buckets.REQUEST),
            Map.entry("hexproperty.transactions", Buckets.REQUEST),
            Map.entry("external.request.duration", Buckets.REQUEST),
            Map.entry("cdn.purge.duration", Buckets.REQUEST),
            Map.entry("cache.load.duration", Buckets.STATEMENT),
            Map.entry(StatementMeters.NAME, Buckets.STATEMENT),
            Map.entry("db.client.connections.wait", Buckets.STATEMENT),
            Map.entry("db.client.connections.use", Buckets.STATEMENT),
            Map.entry("vertx.eventloop.delay", Buckets.LOOP),
            Map.entry("cache.invalidation.lag", Buckets.PROPAGATION),
            Map.entry("cache.writebehind.flush.duration", Buckets.PROPAGATION),
            Map.entry("cache.served.age", Buckets.AGE),
            Map.entry("http.server.connection.duration", Buckets.LONG),
            Map.entry("db.maintenance.duration", Buckets.LONG));

    /** The HELP text for a meter registered without a description, or null. */
    static String help(String name) {
        return HELP.get(name);
    }

    /** The bucket set of a timer published as a histogram, or null to leave its configuration alone. */
    static Buckets buckets(String name) {
        return BUCKETS.get(name);
    }
}
