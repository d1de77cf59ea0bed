package io.hexproperty.loadtest.report;

import io.hexproperty.loadtest.analysis.CapacityReport;
import io.hexproperty.loadtest.analysis.UslModel;
import java.io.PrintStream;
import java.util.Locale;

/** The capacity section of the terminal summary. */
final class CapacityText {

    private CapacityText() {}

    static void print(CapacityReport cap, PrintStream out) {
        out.println("capacity   points (N = mean in flight sampled, X = throughput, Little N' = X * W):");
        for (CapacityReport.Step s : cap.steps()) {
            // Little's law holds in steady state; a large gap means the queue was still growing there.
            out.printf(Locale.ROOT, "           %6.0f-%-6.0fs N %8.2f  X %9.1f/s  W %9.2fms  N' %8.2f  (%+.1f%%)%s%n",
                    s.start(), s.end(), s.concurrency(), s.throughput(), s.residenceSeconds() * 1000, s.littleConcurrency(),
                    s.concurrency() == 0 ? 0 : (s.littleConcurrency() - s.concurrency()) / s.concurrency() * 100,
                    s.littleDeviation() > 0.10 ? "  not steady: queue growing" : "");
        }
        out.printf(Locale.ROOT, "           Little's law: mean deviation %.1f%% between sampled N and X*W%n",
                cap.littleMeanDeviation() * 100);
        if (cap.fit() == null) {
            out.println("           USL not fitted: " + cap.fitProblem());
            return;
        }
        UslModel m = cap.fit().model();
        out.printf(Locale.ROOT, "           USL sigma %.5f  kappa %.6f  lambda %.2f/s  ->  N_max %s  X_max %s%n",
                m.sigma(), m.kappa(), m.lambda(),
                Double.isInfinite(m.peakConcurrency()) ? "unbounded" : String.format(Locale.ROOT, "%.1f", m.peakConcurrency()),
                Double.isInfinite(m.peakThroughput()) ? "unbounded" : String.format(Locale.ROOT, "%.1f/s", m.peakThroughput()));
        out.printf(Locale.ROOT, "           fit over %d points: RMSE %.2f/s, R^2 %.4f, MAPE %.2f%%%n",
                cap.fit().points(), cap.fit().rmse(), cap.fit().r2(), cap.fit().mape() * 100);
    }
}
