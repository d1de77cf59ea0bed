package io.hexproperty.loadtest.report;

import io.hexproperty.loadtest.analysis.SpikeRecovery;
import io.hexproperty.loadtest.analysis.Tally;
import io.hexproperty.loadtest.analysis.ThresholdMonitor;
import io.hexproperty.loadtest.engine.Meters;
import io.hexproperty.loadtest.engine.RunResult;
import io.hexproperty.loadtest.workload.DurationFormat;
import io.hexproperty.loadtest.workload.RequestKind;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The end-of-run table on the terminal. */
public final class SummaryTable {

    private SummaryTable() {}

    public static void print(RunResult r, PrintStream out) {
        Tally t = r.total();
        out.println();
        out.printf(Locale.ROOT, "== %s run against %s: %.1fs%s%n", r.config().plan().profile().key(), r.config().target(),
                r.wallSeconds(), r.stopReason() == null ? "" : " (stopped: " + r.stopReason() + ")");
        out.printf(Locale.ROOT, "requests   intended %d  sent %d  completed %d  errors %d  dropped %d  late %d  (%.3f%% errors)%n",
                t.intended, t.sent, t.completed, t.errors, t.dropped, t.late, t.errorRate() * 100);
        out.printf(Locale.ROOT, "rate       achieved %.1f/s  sent %.1f/s  seconds behind schedule %d  mean in flight %.1f%n",
                t.completedRate(), t.sentRate(), r.secondsBehindSchedule(), t.meanInFlight());
        out.printf(Locale.ROOT, "%-22s %10s %10s %10s %10s %10s %10s %10s%n", "", "p50", "p90", "p99", "p99.9", "p99.99", "max", "count");
        row(out, "latency (intended)", t.latency);
        row(out, "service time", t.service);
        row(out, "start lateness", t.lateness);
        for (Map.Entry<RequestKind, Meters.KindTotals> e : r.kinds().entrySet()) {
            if (e.getValue().completed > 0) {
                row(out, "  " + e.getKey().key() + (e.getValue().errors > 0 ? " (" + e.getValue().errors + " err)" : ""),
                        e.getValue().latency);
            }
        }
        out.println("statuses   " + r.statuses() + (r.timeouts() > 0 ? "  timeouts " + r.timeouts() : "")
                + (r.connectionErrors() > 0 ? "  connection errors " + r.connectionErrors() + " (last: " + r.lastError() + ")" : ""));
        RunResult.Cpu cpu = r.cpu();
        out.printf(Locale.ROOT, "generator  CPU %.2fs over %.1fs on %d cores = %.1f%% of the machine%s%n",
                cpu.generatorCpuSeconds(), cpu.wallSeconds(), cpu.cores(), cpu.generatorShare() * 100,
                Double.isNaN(cpu.targetShare()) ? "" : String.format(Locale.ROOT, "; target %.1f%%", cpu.targetShare() * 100));
        for (ThresholdMonitor.Track tr : r.thresholds()) {
            out.printf(Locale.ROOT, "threshold  %-18s %s  windows breached %d/%d%s  whole run %s%n", tr.threshold.text(),
                    tr.breached() ? "FAIL" : "ok  ", tr.windowsBreached, tr.windowsJudged,
                    tr.firstBreachSeconds < 0 ? "" : String.format(Locale.ROOT, " (first at %.0fs, worst %s)", tr.firstBreachSeconds,
                            tr.threshold.render(tr.worstObserved)),
                    Double.isNaN(tr.finalObserved) ? "n/a" : tr.threshold.render(tr.finalObserved));
        }
        r.trends().forEach((name, tr) -> out.printf(Locale.ROOT, "trend      %-16s %s -> %s over %d samples, slope %s/h, t %s%s%n",
                name, num(tr.first()), num(tr.last()), tr.samples(), num(tr.slopePerSecond() * 3600), num(tr.tStatistic()),
                tr.significant() ? " (significant)" : ""));
        if (r.spike() != null) {
            SpikeRecovery s = r.spike();
            out.printf(Locale.ROOT, "spike      baseline p99 %s, spike p99 %s, p99 back under %s %s%n",
                    DurationFormat.micros(nz(s.baselineP99Micros())), DurationFormat.micros(nz(s.spikeP99Micros())),
                    DurationFormat.micros(nz(s.limitMicros())),
                    Double.isNaN(s.recoverySeconds()) ? "NOT RECOVERED before the end"
                            : String.format(Locale.ROOT, "%.0fs after the spike", s.recoverySeconds()));
        }
        if (!Double.isNaN(r.breakpointRate())) {
            out.printf(Locale.ROOT, "breakpoint SLO broke at %.1f/s achieved%n", r.breakpointRate());
        }
        if (r.capacity() != null) {
            CapacityText.print(r.capacity(), out);
        }
    }

    private static double nz(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.2fG", v / 1e9);
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (a >= 1e3) {
            return String.format(Locale.ROOT, "%.2fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static void row(PrintStream out, String label, Histogram h) {
        if (h.getTotalCount() == 0) {
            out.printf(Locale.ROOT, "%-22s %10s%n", label, "-");
            return;
        }
        out.printf(Locale.ROOT, "%-22s %10s %10s %10s %10s %10s %10s %10d%n", label,
                DurationFormat.micros(h.getValueAtPercentile(50)), DurationFormat.micros(h.getValueAtPercentile(90)),
                DurationFormat.micros(h.getValueAtPercentile(99)), DurationFormat.micros(h.getValueAtPercentile(99.9)),
                DurationFormat.micros(h.getValueAtPercentile(99.99)), DurationFormat.micros(h.getMaxValue()), h.getTotalCount());
    }
}
