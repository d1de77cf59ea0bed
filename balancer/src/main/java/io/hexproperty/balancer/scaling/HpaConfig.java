package io.hexproperty.balancer.scaling;

import java.time.Duration;

/**
 * The Kubernetes HorizontalPodAutoscaler v2 defaults (kube-controller-manager and the autoscaling/v2
 * behavior defaults), for the comparison model.
 *
 * @param targetCpu              the Resource metric target, averageUtilization (0..1)
 * @param syncPeriod             --horizontal-pod-autoscaler-sync-period (15 s)
 * @param tolerance              --horizontal-pod-autoscaler-tolerance (0.1)
 * @param downscaleStabilization behavior.scaleDown.stabilizationWindowSeconds (300 s)
 * @param metricsResolution      metrics-server's averaging window (15 s)
 * @param metricsLag             age of the newest metric when the controller reads it (scrape + pipeline)
 * @param scaleUpPods            behavior.scaleUp: at most max(scaleUpPods, 100% of current) more pods per period...
 * @param scaleUpPeriod          ...of this length (defaults: 4 pods or 100% per 15 s)
 */
public record HpaConfig(int minReplicas, int maxReplicas, double targetCpu, Duration syncPeriod, double tolerance,
                        Duration downscaleStabilization, Duration metricsResolution, Duration metricsLag, int scaleUpPods,
                        Duration scaleUpPeriod) {
    public HpaConfig {
        if (minReplicas < 1 || maxReplicas < minReplicas) {
            throw new IllegalArgumentException("need 1 <= minReplicas (" + minReplicas + ") <= maxReplicas (" + maxReplicas + ")");
        }
        if (!(targetCpu > 0 && targetCpu <= 1)) {
            throw new IllegalArgumentException("HPA CPU target must be in (0, 1], was " + targetCpu);
        }
        if (syncPeriod == null || syncPeriod.isZero() || syncPeriod.isNegative()) {
            throw new IllegalArgumentException("sync period must be > 0, was " + syncPeriod);
        }
    }

    public static HpaConfig defaults() {
        return new HpaConfig(1, 10, 0.7, Duration.ofSeconds(15), 0.1, Duration.ofMinutes(5), Duration.ofSeconds(15),
                Duration.ofSeconds(10), 4, Duration.ofSeconds(15));
    }

    public HpaConfig withReplicas(int min, int max) {
        return new HpaConfig(min, max, targetCpu, syncPeriod, tolerance, downscaleStabilization, metricsResolution, metricsLag,
                scaleUpPods, scaleUpPeriod);
    }

    public HpaConfig withTargetCpu(double t) {
        return new HpaConfig(minReplicas, maxReplicas, t, syncPeriod, tolerance, downscaleStabilization, metricsResolution, metricsLag,
                scaleUpPods, scaleUpPeriod);
    }
}
