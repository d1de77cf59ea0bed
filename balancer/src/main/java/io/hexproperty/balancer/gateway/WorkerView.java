package io.hexproperty.balancer.gateway;

import io.hexproperty.balancer.algorithms.ResourceReport;
import io.hexproperty.balancer.health.HealthStatus;
import java.util.List;

/**
 * What {@code GET /admin/cluster} and {@code hexproperty cluster status} show of one worker.
 * {@code state} is one of starting, up, down, ejected, draining, standby (warm pool: out of rotation), restarting
 * (its process exited; the supervisor starts it again).
 */
public record WorkerView(String id, String origin, String state, double weight, double effectiveWeight, int inFlight,
                         double latencyEwmaMillis, long requests, long failures, String health,
                         List<HealthStatus.Probe> healthHistory, int ejections, long ejectedForMillis,
                         ResourceReport resources, String agentError) {}
