package io.hexproperty.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * The p99 latency (ms) of API requests since the previous call, from the histogram buckets of the
 * {@code http.server.requests} timers of /api routes (cumulative counts, so the difference between
 * two calls is the window). NaN when no request arrived in the window. The maintenance scheduler
 * polls it before each action; its resolution is the histogram's bucket bounds.
 */
final class RecentP99 implements DoubleSupplier {
    private final MeterRegistry registry;
    private Map<Double, Double> lastBuckets = Map.of();
    private double lastCount;

    RecentP99(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public synchronized double getAsDouble() {
        Map<Double, Double> buckets = new HashMap<>();
        double count = 0;
        for (Timer t : registry.find("http.server.requests").timers()) {
            String route = t.getId().getTag("route");
            if (route == null || !route.startsWith("/api/")) {
                continue;
            }
            count += t.count();
            for (CountAtBucket b : t.takeSnapshot().histogramCounts()) {
                buckets.merge(b.bucket(TimeUnit.MILLISECONDS), b.count(), Double::sum);
            }
        }
        double window = count - lastCount;
        TreeMap<Double, Double> delta = new TreeMap<>();
        boolean reset = window < 0;
        for (Map.Entry<Double, Double> e : buckets.entrySet()) {
            double d = e.getValue() - lastBuckets.getOrDefault(e.getKey(), 0.0);
            reset |= d < 0;
            delta.put(e.getKey(), d);
        }
        if (reset) { // a registry that decays its histograms: use the current window as it is
            delta = new TreeMap<>(buckets);
            window = count;
        }
        lastBuckets = buckets;
        lastCount = count;
        if (window <= 0) {
            return Double.NaN;
        }
        double highest = Double.NaN;
        for (Map.Entry<Double, Double> e : delta.entrySet()) {
            highest = e.getKey();
            if (e.getValue() >= 0.99 * window) {
                return e.getKey();
            }
        }
        return highest; // beyond the largest bucket: report that bound, the most we know
    }
}
