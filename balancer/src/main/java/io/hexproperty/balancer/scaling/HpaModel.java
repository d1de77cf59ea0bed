package io.hexproperty.balancer.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;

/**
 * A model of the HPA v2 replica calculation on a CPU Resource metric, as in
 * pkg/controller/podautoscaler (replica_calculator.go, horizontal.go):
 * <ul>
 *   <li>it acts every {@code syncPeriod} only;</li>
 *   <li>the metric is the mean CPU of ready pods over {@code metricsResolution}, {@code metricsLag} old, capped at
 *       100% per pod (a pod cannot use more than its limit, so overload beyond it is invisible);</li>
 *   <li>ratio = metric / target; within {@code tolerance} of 1 nothing changes;</li>
 *   <li>scale up with unready (starting) pods: they count as 0% usage and the ratio is recomputed over all
 *       pods; if that no longer asks for more, nothing changes;</li>
 *   <li>desired = ceil(ratio x pods counted); scale-up limited to max(4 pods, 100%) per 15 s;</li>
 *   <li>scale-down stabilization: the highest recommendation of the last 5 minutes.</li>
 * </ul>
 */
final class HpaModel implements ScalingPolicy {
    private record Recommendation(Instant at, int replicas) {}

    private final HpaConfig c;
    private final ArrayDeque<Recommendation> history = new ArrayDeque<>();
    private Instant lastSync;

    HpaModel(HpaConfig config) {
        this.c = config;
    }

    @Override
    public String name() {
        return "hpa";
    }

    @Override
    public Decision decide(MetricWindow window) {
        MetricSample s = window.latest();
        Instant now = s.at();
        int current = s.currentWorkers();
        if (lastSync != null && now.isBefore(lastSync.plus(c.syncPeriod()))) {
            return new Decision(now, current, current, "hpa:sync", "between sync periods", false);
        }
        lastSync = now;
        Instant to = now.minus(c.metricsLag());
        List<MetricSample> seen = window.last(Duration.between(to.minus(c.metricsResolution()), now)).stream()
                .filter(x -> !x.at().isAfter(to)).toList();
        if (seen.isEmpty() || s.readyWorkers() == 0) {
            return new Decision(now, current, Math.max(c.minReplicas(), current), "hpa:no-metrics", "no metrics for ready pods yet", false);
        }
        double cpu = 0;
        for (MetricSample x : seen) {
            cpu += Math.min(1, x.cpu());
        }
        cpu /= seen.size();
        int ready = s.readyWorkers();
        int unready = current - ready;
        double ratio = cpu / c.targetCpu();
        int recommendation;
        String why;
        if (Math.abs(ratio - 1) <= c.tolerance()) {
            recommendation = current;
            why = String.format(Locale.ROOT, "cpu %.2f within tolerance of %.2f", cpu, c.targetCpu());
        } else if (ratio > 1 && unready > 0) {
            double all = cpu * ready / (c.targetCpu() * current);
            recommendation = all <= 1 + c.tolerance() ? current : (int) Math.ceil(all * current);
            why = String.format(Locale.ROOT, "cpu %.2f on %d ready, %d unready counted at 0%%: ratio %.2f", cpu, ready, unready, all);
        } else {
            recommendation = (int) Math.ceil(ratio * ready);
            why = String.format(Locale.ROOT, "cpu %.2f / target %.2f on %d ready pods", cpu, c.targetCpu(), ready);
        }
        recommendation = Math.max(c.minReplicas(), Math.min(c.maxReplicas(), recommendation));
        history.addLast(new Recommendation(now, recommendation));
        while (!history.isEmpty() && history.peekFirst().at.isBefore(now.minus(c.downscaleStabilization()))) {
            history.removeFirst();
        }
        int desired = recommendation;
        if (recommendation < current) {
            int highest = history.stream().mapToInt(Recommendation::replicas).max().orElse(recommendation);
            desired = Math.min(current, highest);
        }
        int maxUp = Math.max(c.scaleUpPods(), current);
        desired = Math.min(desired, current + maxUp);
        return new Decision(now, current, desired, "hpa", why + " -> " + desired, false);
    }
}
