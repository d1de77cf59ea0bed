package io.hexproperty.loadtest.report;

import io.hexproperty.loadtest.analysis.CapacityReport;
import io.hexproperty.loadtest.analysis.CounterSeries;
import io.hexproperty.loadtest.analysis.Tally;
import io.hexproperty.loadtest.analysis.UslModel;
import io.hexproperty.loadtest.engine.RunResult;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * Builds the report's charts. Percentiles over time are read back from the histogram log and
 * merged into at most {@value #MAX_POINTS} buckets by adding histograms, so a bucket's p99 is
 * the p99 of its requests, and memory stays one histogram however long the run was.
 */
final class ReportCharts {

    static final int MAX_POINTS = 600;
    static final String[] COLORS = {"#1f77b4", "#2ca02c", "#ff7f0e", "#d62728", "#7f7f7f", "#9467bd"};

    private ReportCharts() {}

    static List<Chart> of(RunResult r) {
        List<Chart> charts = new ArrayList<>();
        charts.add(latencyOverTime(r.histogramLog(), r.wallSeconds()));
        List<CounterSeries.Row> rows = r.series();
        int n = rows.size();
        double[] t = new double[n];
        double[] intended = new double[n];
        double[] sent = new double[n];
        double[] done = new double[n];
        double[] errors = new double[n];
        double[] dropped = new double[n];
        double[] late = new double[n];
        for (int i = 0; i < n; i++) {
            CounterSeries.Row row = rows.get(i);
            t[i] = row.end;
            intended[i] = row.intendedRate();
            sent[i] = row.sentRate();
            done[i] = row.completedRate();
            errors[i] = row.seconds() <= 0 ? 0 : row.errors / row.seconds();
            dropped[i] = row.seconds() <= 0 ? 0 : row.dropped / row.seconds();
            late[i] = row.seconds() <= 0 ? 0 : row.late / row.seconds();
        }
        charts.add(new Chart("throughput", "Throughput", "seconds", "requests/s", List.of(
                Chart.Line.of("intended", COLORS[4], t, intended),
                Chart.Line.of("started", COLORS[0], t, sent),
                Chart.Line.of("completed", COLORS[1], t, done)), false));
        charts.add(new Chart("errors", "Errors, dropped and late starts", "seconds", "per second", List.of(
                Chart.Line.of("errors", COLORS[3], t, errors),
                Chart.Line.of("dropped", COLORS[5], t, dropped),
                Chart.Line.of("late", COLORS[2], t, late)), false));
        charts.add(distribution(r.total()));
        if (r.capacity() != null && !r.capacity().steps().isEmpty()) {
            charts.add(capacity(r.capacity()));
        }
        return charts;
    }

    static Chart latencyOverTime(Path hlog, double seconds) {
        int width = (int) Math.max(1, Math.ceil(seconds / MAX_POINTS));
        List<double[]> points = new ArrayList<>();
        Histogram bucket = Tally.newHistogram();
        double bucketEnd = width;
        try {
            HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
            EncodableHistogram e;
            while ((e = reader.nextIntervalHistogram()) != null) {
                if (e.getTag() != null || !(e instanceof Histogram h)) {
                    continue;
                }
                double end = (h.getEndTimeStamp() - reader.getStartTimeSec() * 1000) / 1000.0;
                while (end > bucketEnd + 1e-6) {
                    flush(bucket, bucketEnd, points);
                    bucketEnd += width;
                }
                bucket.add(h);
            }
            flush(bucket, bucketEnd, points);
        } catch (FileNotFoundException ex) {
            throw new IllegalStateException("histogram log vanished: " + hlog.toAbsolutePath(), ex);
        }
        int n = points.size();
        double[] t = new double[n];
        double[][] p = new double[5][n];
        for (int i = 0; i < n; i++) {
            t[i] = points.get(i)[0];
            for (int k = 0; k < 5; k++) {
                p[k][i] = points.get(i)[k + 1];
            }
        }
        return new Chart("latency", "Latency from intended start" + (width > 1 ? " (" + width + "s buckets)" : ""),
                "seconds", "ms", List.of(
                Chart.Line.of("p50", COLORS[0], t, p[0]),
                Chart.Line.of("p90", COLORS[1], t, p[1]),
                Chart.Line.of("p99", COLORS[2], t, p[2]),
                Chart.Line.of("p99.9", COLORS[3], t, p[3]),
                Chart.Line.of("max", COLORS[4], t, p[4])), false);
    }

    private static void flush(Histogram bucket, double end, List<double[]> points) {
        if (bucket.getTotalCount() > 0) {
            points.add(new double[] {end, ms(bucket.getValueAtPercentile(50)), ms(bucket.getValueAtPercentile(90)),
                    ms(bucket.getValueAtPercentile(99)), ms(bucket.getValueAtPercentile(99.9)), ms(bucket.getMaxValue())});
        }
        bucket.reset();
    }

    static Chart distribution(Tally total) {
        return new Chart("distribution", "Latency distribution (whole run)", "percentile", "ms", List.of(
                spectrum("latency (intended start)", COLORS[3], total.latency),
                spectrum("service time", COLORS[0], total.service)), true);
    }

    private static Chart.Line spectrum(String name, String color, Histogram h) {
        List<double[]> pts = new ArrayList<>();
        if (h.getTotalCount() > 0) {
            for (double nines = 0; nines <= 6.0001; nines += 0.05) {
                double p = 100 * (1 - Math.pow(10, -nines));
                if (nines > 0 && 1.0 / Math.pow(10, -nines) > h.getTotalCount() * 10) {
                    break;
                }
                pts.add(new double[] {nines, ms(h.getValueAtPercentile(p))});
            }
            pts.add(new double[] {pts.getLast()[0] + 0.05, ms(h.getMaxValue())});
        }
        double[] x = pts.stream().mapToDouble(a -> a[0]).toArray();
        double[] y = pts.stream().mapToDouble(a -> a[1]).toArray();
        return Chart.Line.of(name, color, x, y);
    }

    static Chart capacity(CapacityReport cap) {
        double[] n = cap.steps().stream().mapToDouble(CapacityReport.Step::concurrency).toArray();
        double[] x = cap.steps().stream().mapToDouble(CapacityReport.Step::throughput).toArray();
        List<Chart.Line> lines = new ArrayList<>();
        lines.add(new Chart.Line("measured", COLORS[0], n, x, true));
        if (cap.fit() != null) {
            double nmax = 0;
            for (double v : n) {
                nmax = Math.max(nmax, v);
            }
            UslModel m = cap.fit().model();
            if (Double.isFinite(m.peakConcurrency())) {
                nmax = Math.max(nmax, Math.min(m.peakConcurrency() * 1.5, nmax * 4));
            }
            int k = 100;
            double[] fn = new double[k];
            double[] fx = new double[k];
            for (int i = 0; i < k; i++) {
                fn[i] = Math.max(1e-3, nmax * (i + 1) / k);
                fx[i] = m.throughput(fn[i]);
            }
            lines.add(Chart.Line.of("USL fit", COLORS[3], fn, fx));
        }
        return new Chart("capacity", "Throughput against concurrency (USL)", "concurrency N (mean in flight)",
                "requests/s", lines, false);
    }

    private static double ms(double micros) {
        return micros / 1000.0;
    }
}
