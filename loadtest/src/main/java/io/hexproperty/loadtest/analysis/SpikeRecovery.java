package io.hexproperty.loadtest.analysis;

import java.util.ArrayDeque;
import java.util.Deque;
import org.HdrHistogram.Histogram;

/**
 * Time for p99 to come back after a spike. The baseline p99 comes from every request of the
 * baseline phase; after the spike ends, p99 is taken over a sliding 3 s window (three one-second
 * histograms added, not averaged) and the target counts as recovered at the start of the first
 * window whose p99 is within max(1.25 x baseline, baseline + 1 ms).
 */
public final class SpikeRecovery {

    static final int WINDOW = 3;

    private final double baselineEnd;
    private final double spikeEnd;
    private final Histogram baseline = Tally.newHistogram();
    private final Histogram spikePeak = Tally.newHistogram();
    private final Deque<Histogram> ring = new ArrayDeque<>();
    private final Deque<Double> ringStarts = new ArrayDeque<>();
    private double recoveredAt = Double.NaN;

    public SpikeRecovery(double baselineEnd, double spikeEnd) {
        this.baselineEnd = baselineEnd;
        this.spikeEnd = spikeEnd;
    }

    public void onInterval(Tally interval, double start, double end) {
        if (end <= baselineEnd + 1e-9) {
            baseline.add(interval.latency);
            return;
        }
        if (start < spikeEnd - 1e-9) {
            spikePeak.add(interval.latency);
            return;
        }
        if (!Double.isNaN(recoveredAt)) {
            return;
        }
        Histogram h = Tally.newHistogram();
        h.add(interval.latency);
        ring.addLast(h);
        ringStarts.addLast(start);
        if (ring.size() > WINDOW) {
            ring.removeFirst();
            ringStarts.removeFirst();
        }
        if (ring.size() == WINDOW && baseline.getTotalCount() > 0) {
            Histogram w = Tally.newHistogram();
            ring.forEach(w::add);
            if (w.getTotalCount() > 0 && w.getValueAtPercentile(99) <= limitMicros()) {
                recoveredAt = ringStarts.getFirst();
            }
        }
    }

    public double baselineP99Micros() {
        return baseline.getTotalCount() == 0 ? Double.NaN : baseline.getValueAtPercentile(99);
    }

    public double spikeP99Micros() {
        return spikePeak.getTotalCount() == 0 ? Double.NaN : spikePeak.getValueAtPercentile(99);
    }

    public double limitMicros() {
        double b = baselineP99Micros();
        return Math.max(1.25 * b, b + 1000);
    }

    /** Seconds from the end of the spike to recovery; NaN if p99 never came back. */
    public double recoverySeconds() {
        return Double.isNaN(recoveredAt) ? Double.NaN : Math.max(0, recoveredAt - spikeEnd);
    }

    public double spikeEnd() {
        return spikeEnd;
    }
}
