package io.hexproperty.loadtest.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-second counters of a run for plots and the capacity fit, in bounded memory: when the
 * series reaches its cap, neighbouring rows are merged pairwise and the row width doubles. Only
 * sums are kept (counts, latency sums, in-flight samples), so merging is exact; percentiles are
 * never stored here, they come from the histogram log.
 */
public final class CounterSeries {

    /** Sums over [start, end) seconds of the run. */
    public static final class Row {
        public double start;
        public double end;
        double intended;
        long sent;
        long completed;
        public long errors;
        public long dropped;
        public long late;
        double inFlightSum;
        long inFlightSamples;
        double latencySumMicros;
        double latenessSumMicros;

        public double seconds() {
            return end - start;
        }

        public double completedRate() {
            return seconds() <= 0 ? 0 : completed / seconds();
        }

        public double sentRate() {
            return seconds() <= 0 ? 0 : sent / seconds();
        }

        public double intendedRate() {
            return seconds() <= 0 ? 0 : intended / seconds();
        }

        double errorRate() {
            long attempted = completed + dropped;
            return attempted == 0 ? 0 : (double) (errors + dropped) / attempted;
        }

        public double meanInFlight() {
            return inFlightSamples == 0 ? 0 : inFlightSum / inFlightSamples;
        }

        /** Mean time in the system from actual issue to completion, in seconds. */
        double meanResidenceSeconds() {
            return completed == 0 ? 0 : (latencySumMicros - latenessSumMicros * completed / Math.max(1, sent)) / completed / 1e6;
        }

        public void add(Row o) {
            start = Math.min(start, o.start);
            end = Math.max(end, o.end);
            intended += o.intended;
            sent += o.sent;
            completed += o.completed;
            errors += o.errors;
            dropped += o.dropped;
            late += o.late;
            inFlightSum += o.inFlightSum;
            inFlightSamples += o.inFlightSamples;
            latencySumMicros += o.latencySumMicros;
            latenessSumMicros += o.latenessSumMicros;
        }

        Row copy() {
            Row r = new Row();
            r.start = start;
            r.end = end;
            r.add(this);
            return r;
        }
    }

    private final int cap;
    private final List<Row> rows = new ArrayList<>();
    private double width = 1;
    private Row open;

    public CounterSeries(int cap) {
        if (cap < 2) {
            throw new IllegalArgumentException("series cap must be >= 2, was " + cap);
        }
        this.cap = cap;
    }

    public void add(Tally interval, double start, double end, double intended) {
        Row r = new Row();
        r.start = start;
        r.end = end;
        r.intended = intended;
        r.sent = interval.sent;
        r.completed = interval.completed;
        r.errors = interval.errors;
        r.dropped = interval.dropped;
        r.late = interval.late;
        r.inFlightSum = interval.inFlightSum;
        r.inFlightSamples = interval.inFlightSamples;
        r.latencySumMicros = interval.latency.getMean() * interval.latency.getTotalCount();
        r.latenessSumMicros = interval.lateness.getMean() * interval.lateness.getTotalCount();
        if (open == null) {
            open = r;
        } else {
            open.add(r);
        }
        if (open.seconds() >= width - 1e-9) {
            rows.add(open);
            open = null;
            if (rows.size() >= cap) {
                halve();
            }
        }
    }

    private void halve() {
        List<Row> merged = new ArrayList<>();
        for (int i = 0; i + 1 < rows.size(); i += 2) {
            Row r = rows.get(i).copy();
            r.add(rows.get(i + 1));
            merged.add(r);
        }
        if (rows.size() % 2 == 1) {
            open = rows.getLast().copy();
        }
        rows.clear();
        rows.addAll(merged);
        width *= 2;
    }

    /** All rows including a partly filled last one. */
    public List<Row> rows() {
        List<Row> out = new ArrayList<>(rows);
        if (open != null) {
            out.add(open);
        }
        return out;
    }
}
