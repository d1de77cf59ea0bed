package io.hexproperty.balancer.scaling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Recommends a worker size from observed usage, the way the Kubernetes VPA recommends requests: a high
 * percentile of what was used plus headroom, rounded, within bounds.
 *
 * <ul>
 *   <li>pool: p95 of connections in use x 1.25, +25% more if requests waited for a connection in more than
 *       5% of samples; never so large that {@code workers x pool} breaks the connection budget;</li>
 *   <li>event loops: p95 CPU cores x 1.25, rounded up, at least 1, at most {@code availableCores};</li>
 *   <li>heap: p99 heap after GC x 1.5, rounded up to 64 MB, at least 256 MB.</li>
 * </ul>
 * Fewer than {@code minSamples} samples: no recommendation (the current size is kept, and the reason says so).
 */
public final class VerticalAdvisor {
    public record Recommendation(WorkerSize size, boolean changed, String reason) {}

    private final int minSamples;
    private final int availableCores;

    public VerticalAdvisor(int minSamples, int availableCores) {
        if (minSamples < 1 || availableCores < 1) {
            throw new IllegalArgumentException("min samples and available cores must be >= 1");
        }
        this.minSamples = minSamples;
        this.availableCores = availableCores;
    }

    public Recommendation recommend(List<WorkerUsage> usage, WorkerSize current, ConnectionBudget budget, int workers) {
        if (usage.size() < minSamples) {
            return new Recommendation(current, false, "keeping " + current + ": " + usage.size() + " usage samples, need " + minSamples);
        }
        double poolP95 = percentile(usage.stream().mapToDouble(WorkerUsage::poolInUse).toArray(), 0.95);
        long waited = usage.stream().filter(u -> u.poolWaiters() > 0).count();
        double pool = poolP95 * 1.25 * (waited > usage.size() * 0.05 ? 1.25 : 1);
        int poolSize = Math.max(2, (int) Math.ceil(pool));
        List<String> why = new ArrayList<>();
        why.add(String.format(java.util.Locale.ROOT, "pool: p95 in use %.1f, waiters in %d of %d samples -> %d", poolP95, waited, usage.size(), poolSize));
        int budgetPool = budget.usable() / Math.max(1, workers);
        if (poolSize > budgetPool) {
            why.add("pool capped at " + budgetPool + " by the connection budget (" + workers + " workers, "
                    + budget.usable() + " usable connections)");
            poolSize = Math.max(1, budgetPool);
        }
        double cpuP95 = percentile(usage.stream().mapToDouble(WorkerUsage::cpuCores).toArray(), 0.95);
        int loops = Math.min(availableCores, Math.max(1, (int) Math.ceil(cpuP95 * 1.25)));
        why.add(String.format(java.util.Locale.ROOT, "event loops: p95 CPU %.2f cores -> %d", cpuP95, loops));
        double heapP99 = percentile(usage.stream().mapToDouble(WorkerUsage::heapUsedMb).toArray(), 0.99);
        int heap = Math.max(256, (int) (Math.ceil(heapP99 * 1.5 / 64.0) * 64));
        why.add(String.format(java.util.Locale.ROOT, "heap: p99 after GC %.0f MB -> %d MB", heapP99, heap));
        WorkerSize next = new WorkerSize(poolSize, loops, heap);
        return new Recommendation(next, !next.equals(current), String.join("; ", why));
    }

    static double percentile(double[] values, double q) {
        double[] v = values.clone();
        Arrays.sort(v);
        int idx = (int) Math.ceil(q * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, idx))];
    }
}
