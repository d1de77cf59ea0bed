package io.hexproperty.balancer.scaling;

import java.time.Duration;

/**
 * The pure half of autoscaling: a window of metrics in, a {@link Decision} out. No Vert.x, no processes,
 * no clock reads: time is the latest sample's. The caller applies the decision (the gateway's
 * {@code Autoscaler}, the Kubernetes actuator, or the simulator), and calls {@link #decide} once per
 * control interval.
 */
public interface ScalingPolicy {
    Decision decide(MetricWindow window);

    /** The policy's name in reports and metrics. */
    String name();

    /** Reports a measured worker start-up time (start to first passing health check); predictive rules lead by it. */
    default void startupObserved(Duration startup) {}

    /**
     * Reactive: target tracking, step rules, threshold triggers, schedules and events, with bounds,
     * stabilization windows, cooldown and the connection budget (no forecast, whatever the config says).
     */
    static ScalingPolicy reactive(ScalingConfig config, EventBoard events) {
        return new RulePolicy("reactive", config.withForecast(ForecastConfig.none()), events, Forecaster.none());
    }

    /** Reactive plus the Holt-Winters forecast of the arrival rate, looking ahead by the worker start-up time. */
    static ScalingPolicy predictive(ScalingConfig config, EventBoard events) {
        ForecastConfig f = config.forecast().enabled() ? config.forecast() : ForecastConfig.daily();
        return new RulePolicy("predictive", config.withForecast(f), events, Forecaster.holtWinters(f));
    }

    /** A model of the Kubernetes HorizontalPodAutoscaler v2 on CPU, for comparison (see {@link HpaConfig}). */
    static ScalingPolicy hpa(HpaConfig config) {
        return new HpaModel(config);
    }

    /** Never changes anything: fixed capacity. */
    static ScalingPolicy none() {
        return new ScalingPolicy() {
            @Override
            public Decision decide(MetricWindow w) {
                MetricSample s = w.latest();
                return new Decision(s.at(), s.currentWorkers(), s.currentWorkers(), "none", "autoscaling is off", false);
            }

            @Override
            public String name() {
                return "none";
            }
        };
    }
}
