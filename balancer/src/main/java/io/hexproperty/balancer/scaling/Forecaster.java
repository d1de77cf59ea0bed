package io.hexproperty.balancer.scaling;

import java.time.Instant;

/** Predicts the arrival rate from what it has observed. Not thread-safe: the control loop owns it. */
public interface Forecaster {
    void observe(Instant at, double rate);

    /** The predicted rate at {@code at} (interpolated between bucket centres), or NaN while it knows too little. */
    double forecast(Instant at);

    /** Holt-Winters additive with a season of {@code config.season()}, falling back to Holt's trend until one season is seen. */
    static Forecaster holtWinters(ForecastConfig config) {
        return new HoltWinters(config);
    }

    static Forecaster none() {
        return new Forecaster() {
            @Override
            public void observe(Instant at, double rate) {}

            @Override
            public double forecast(Instant at) {
                return Double.NaN;
            }
        };
    }
}
