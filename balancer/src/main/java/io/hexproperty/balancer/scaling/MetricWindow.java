package io.hexproperty.balancer.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.DoublePredicate;

/**
 * The recent samples a policy decides on, oldest first, kept for {@code retention}. Not thread-safe: one
 * control loop owns it.
 */
public final class MetricWindow {
    private final Duration retention;
    private final ArrayDeque<MetricSample> samples = new ArrayDeque<>();

    public MetricWindow(Duration retention) {
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("window retention must be positive, was " + retention);
        }
        this.retention = retention;
    }

    /** Appends a sample; samples must arrive in time order. */
    public MetricWindow add(MetricSample s) {
        MetricSample last = samples.peekLast();
        if (last != null && s.at().isBefore(last.at())) {
            throw new IllegalArgumentException("sample at " + s.at() + " is older than the last one at " + last.at());
        }
        samples.addLast(s);
        Instant horizon = s.at().minus(retention);
        while (samples.peekFirst() != null && samples.peekFirst().at().isBefore(horizon)) {
            samples.removeFirst();
        }
        return this;
    }

    public boolean isEmpty() {
        return samples.isEmpty();
    }

    public MetricSample latest() {
        MetricSample s = samples.peekLast();
        if (s == null) {
            throw new IllegalStateException("the metric window is empty");
        }
        return s;
    }

    /** Samples taken in (latest - span, latest], oldest first. */
    public List<MetricSample> last(Duration span) {
        List<MetricSample> out = new ArrayList<>();
        if (samples.isEmpty()) {
            return out;
        }
        Instant from = latest().at().minus(span);
        for (MetricSample s : samples) {
            if (s.at().isAfter(from)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Mean of a metric over the last span (the latest value when the span holds one sample or less). */
    public double mean(Metric m, Duration span) {
        List<MetricSample> l = last(span);
        if (l.isEmpty()) {
            return m.of(latest());
        }
        double sum = 0;
        for (MetricSample s : l) {
            sum += m.of(s);
        }
        return sum / l.size();
    }

    /**
     * True when the condition held on every sample of the last {@code span} and the window covers the whole
     * span (a condition seen for 3 s does not satisfy "for 10 s").
     */
    public boolean heldFor(Metric m, DoublePredicate condition, Duration span) {
        if (samples.isEmpty()) {
            return false;
        }
        Instant from = latest().at().minus(span);
        boolean covered = false;
        Iterator<MetricSample> it = samples.descendingIterator();
        while (it.hasNext()) {
            MetricSample s = it.next();
            if (!condition.test(m.of(s))) {
                return false;
            }
            if (!s.at().isAfter(from)) {
                covered = true;
                break;
            }
        }
        return covered;
    }
}
