package io.hexproperty.loadtest.engine;

import io.hexproperty.loadtest.analysis.CapacityReport;
import io.hexproperty.loadtest.analysis.CounterSeries;
import io.hexproperty.loadtest.analysis.LinearTrend;
import io.hexproperty.loadtest.analysis.SpikeRecovery;
import io.hexproperty.loadtest.analysis.Tally;
import io.hexproperty.loadtest.analysis.ThresholdMonitor;
import io.hexproperty.loadtest.workload.RequestKind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a finished run measured; the JSON file, the summary table and the HTML report are
 * three renderings of it.
 */
public record RunResult(
        LoadtestConfig config,
        String mixDescription,
        List<String> notes,
        Instant startedAt,
        double wallSeconds,
        String stopReason,
        Tally total,
        Map<RequestKind, Meters.KindTotals> kinds,
        Map<Integer, Long> statuses,
        long timeouts,
        long connectionErrors,
        String lastError,
        long bytesReceived,
        List<CounterSeries.Row> series,
        long secondsBehindSchedule,
        List<ThresholdMonitor.Track> thresholds,
        Cpu cpu,
        Map<String, LinearTrend> trends,
        SpikeRecovery spike,
        double breakpointRate,
        CapacityReport capacity,
        Path histogramLog) {

    /**
     * Generator CPU: process CPU time over wall time over cores (1.0 = every core busy), and the
     * target's CPU seconds over the same span when its pid is known.
     */
    public record Cpu(double generatorCpuSeconds, double wallSeconds, int cores, double targetCpuSeconds) {
        public double generatorShare() {
            return wallSeconds <= 0 ? 0 : generatorCpuSeconds / wallSeconds / cores;
        }

        public double targetShare() {
            return wallSeconds <= 0 || Double.isNaN(targetCpuSeconds) ? Double.NaN : targetCpuSeconds / wallSeconds / cores;
        }
    }

    public boolean thresholdsBreached() {
        return thresholds.stream().anyMatch(ThresholdMonitor.Track::breached);
    }
}
