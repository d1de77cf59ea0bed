package io.hexproperty.loadtest.analysis;

import io.hexproperty.loadtest.workload.Profile;
import java.util.ArrayList;
import java.util.List;

/**
 * Capacity planning from a breakpoint or stepped run. Each step (or each slice of a smooth ramp)
 * gives a point: concurrency N is the mean number of requests in flight, sampled every
 * millisecond by the scheduler; throughput X the completions per second. Little's law
 * (N = X x W, W the mean time in the system) is checked on the same data: the sampled N and
 * the product X W are measured independently, so agreement says the measurement is sound.
 *
 * @param fit    USL fit, or null when there were too few loaded points
 * @param littleMeanDeviation mean |N - XW| / N over the points
 */
public record CapacityReport(List<Step> steps, UslFit fit, String fitProblem, double littleMeanDeviation) {

    /** One point: span of the run, N sampled, X, W and Little's prediction X W. */
    public record Step(double start, double end, double concurrency, double throughput, double residenceSeconds,
                            double littleConcurrency) {
        public double littleDeviation() {
            return concurrency == 0 ? 0 : Math.abs(concurrency - littleConcurrency) / concurrency;
        }
    }

    public static CapacityReport of(List<CounterSeries.Row> rows, Profile.Plan plan) {
        List<double[]> spans = new ArrayList<>();
        boolean stepped = plan.phases().stream().anyMatch(p -> p.name().startsWith("step-"));
        if (stepped) {
            for (Profile.Phase p : plan.phases()) {
                spans.add(new double[] {p.start(), p.end()});
            }
        } else {
            double end = rows.isEmpty() ? 0 : rows.getLast().end;
            double width = Math.max(2, Math.ceil(end / 20));
            for (double t = 0; t < end; t += width) {
                spans.add(new double[] {t, Math.min(end, t + width)});
            }
        }
        List<Step> steps = new ArrayList<>();
        for (double[] span : spans) {
            CounterSeries.Row sum = null;
            for (CounterSeries.Row r : rows) {
                if (r.start >= span[0] - 1e-9 && r.end <= span[1] + 1e-9) {
                    if (sum == null) {
                        sum = r.copy();
                    } else {
                        sum.add(r);
                    }
                }
            }
            if (sum == null || sum.completed == 0 || sum.inFlightSamples == 0) {
                continue;
            }
            double x = sum.completedRate();
            double w = sum.meanResidenceSeconds();
            steps.add(new Step(sum.start, sum.end, sum.meanInFlight(), x, w, x * w));
        }
        UslFit fit = null;
        String problem = null;
        try {
            fit = UslFit.fit(steps.stream().map(s -> new UslFit.Point(s.concurrency(), s.throughput())).toList());
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        double dev = steps.stream().filter(s -> s.concurrency() > 0).mapToDouble(Step::littleDeviation).average().orElse(Double.NaN);
        return new CapacityReport(steps, fit, problem, dev);
    }
}
