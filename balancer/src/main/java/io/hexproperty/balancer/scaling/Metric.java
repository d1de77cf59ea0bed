package io.hexproperty.balancer.scaling;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The signals a scaling rule can read from a {@link MetricSample}; the name is what config and reasons use. */
public enum Metric {
    ARRIVAL_RATE("arrival-rate", "rps", MetricSample::arrivalRate),
    IN_FLIGHT_PER_WORKER("in-flight-per-worker", "", MetricSample::inFlightPerWorker),
    CPU("cpu", "", MetricSample::cpu),
    P99("p99", "ms", MetricSample::p99Millis),
    LOOP_DELAY("loop-delay", "ms", MetricSample::loopDelayMillis),
    QUEUE_PER_WORKER("queue-per-worker", "", s -> s.queueLength() / Math.max(1, s.readyWorkers()));

    private final String key;
    private final String unit;
    private final ToDoubleFunction<MetricSample> reader;

    Metric(String key, String unit, ToDoubleFunction<MetricSample> reader) {
        this.key = key;
        this.unit = unit;
        this.reader = reader;
    }

    public String key() {
        return key;
    }

    public double of(MetricSample s) {
        return reader.applyAsDouble(s);
    }

    /** Renders a value with its unit, for reasons. */
    public String render(double v) {
        return String.format(Locale.ROOT, "%.2f%s", v, unit.isEmpty() ? "" : " " + unit);
    }

    public static Metric parse(String key) {
        for (Metric m : values()) {
            if (m.key.equalsIgnoreCase(key.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + key + "' (one of "
                + Arrays.stream(values()).map(Metric::key).toList() + ")");
    }
}
