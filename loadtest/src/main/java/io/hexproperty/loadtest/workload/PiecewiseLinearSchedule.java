package io.hexproperty.loadtest.workload;

import java.time.Duration;
import java.util.List;

/**
 * Exact inversion of a piecewise-linear rate. Within a stage the cumulative count is
 * c(t) = r0 t + a t^2 with a = (r1 - r0) / (2 d); solving c(t) = m uses the cancellation-free
 * form t = 2m / (r0 + sqrt(r0^2 + 4 a m)), valid for rising, flat and falling ramps alike.
 */
final class PiecewiseLinearSchedule implements ArrivalSchedule {

    private final double startRate;
    private final List<Stage> stages;
    private final double[] stageStartSeconds;
    private final double[] stageStartRate;
    private final double[] stageStartCount;
    private final double totalCount;
    private final double totalSeconds;

    PiecewiseLinearSchedule(double startRate, List<Stage> stages) {
        if (!(startRate >= 0) || Double.isInfinite(startRate)) {
            throw new IllegalArgumentException("start rate must be >= 0 and finite, was " + startRate);
        }
        if (stages == null || stages.isEmpty()) {
            throw new IllegalArgumentException("a schedule needs at least one stage");
        }
        this.startRate = startRate;
        this.stages = List.copyOf(stages);
        int n = stages.size();
        stageStartSeconds = new double[n];
        stageStartRate = new double[n];
        stageStartCount = new double[n];
        double t = 0;
        double r = startRate;
        double c = 0;
        for (int i = 0; i < n; i++) {
            Stage s = stages.get(i);
            double d = seconds(s.duration());
            stageStartSeconds[i] = t;
            stageStartRate[i] = r;
            stageStartCount[i] = c;
            c += (r + s.targetRate()) / 2 * d;
            t += d;
            r = s.targetRate();
        }
        totalCount = c;
        totalSeconds = t;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    @Override
    public long intendedStartNanos(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("start index must be >= 0, was " + n);
        }
        double m = n;
        if (m >= totalCount) {
            return END;
        }
        int i = stageOf(m);
        Stage s = stages.get(i);
        double d = seconds(s.duration());
        double r0 = stageStartRate[i];
        double a = (s.targetRate() - r0) / (2 * d);
        double within = m - stageStartCount[i];
        double disc = Math.max(0, r0 * r0 + 4 * a * within);
        double t = within == 0 ? 0 : 2 * within / (r0 + Math.sqrt(disc));
        return Math.round((stageStartSeconds[i] + Math.min(t, d)) * 1e9);
    }

    private int stageOf(double m) {
        int lo = 0;
        int hi = stageStartCount.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (stageStartCount[mid] <= m) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        // A stage that intends no starts (rate 0 -> 0) cannot hold m; move past it.
        while (lo + 1 < stageStartCount.length && stageStartCount[lo + 1] <= m) {
            lo++;
        }
        return lo;
    }

    @Override
    public long totalStarts() {
        return (long) Math.ceil(totalCount);
    }

    @Override
    public double rateAt(Duration offset) {
        double t = seconds(offset);
        if (t < 0 || t >= totalSeconds) {
            return 0;
        }
        int i = stages.size() - 1;
        while (i > 0 && stageStartSeconds[i] > t) {
            i--;
        }
        double d = seconds(stages.get(i).duration());
        double f = (t - stageStartSeconds[i]) / d;
        return stageStartRate[i] + (stages.get(i).targetRate() - stageStartRate[i]) * f;
    }

    @Override
    public double cumulativeAt(double t) {
        if (t <= 0) {
            return 0;
        }
        if (t >= totalSeconds) {
            return totalCount;
        }
        int i = stages.size() - 1;
        while (i > 0 && stageStartSeconds[i] > t) {
            i--;
        }
        double d = seconds(stages.get(i).duration());
        double r0 = stageStartRate[i];
        double a = (stages.get(i).targetRate() - r0) / (2 * d);
        double x = t - stageStartSeconds[i];
        return stageStartCount[i] + r0 * x + a * x * x;
    }

    @Override
    public Duration duration() {
        return Duration.ofNanos(Math.round(totalSeconds * 1e9));
    }

    @Override
    public List<Stage> stages() {
        return stages;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT, "%.1f/s", startRate));
        for (Stage s : stages) {
            b.append(String.format(java.util.Locale.ROOT, " -> %.1f/s over %s", s.targetRate(), DurationFormat.format(s.duration())));
        }
        return b.toString();
    }
}
