package io.hexproperty.loadtest.report;

import io.hexproperty.loadtest.analysis.CapacityReport;
import io.hexproperty.loadtest.analysis.CounterSeries;
import io.hexproperty.loadtest.analysis.ResourceProbe;
import io.hexproperty.loadtest.analysis.SpikeRecovery;
import io.hexproperty.loadtest.analysis.Tally;
import io.hexproperty.loadtest.analysis.ThresholdMonitor;
import io.hexproperty.loadtest.analysis.UslModel;
import io.hexproperty.loadtest.engine.LoadtestConfig;
import io.hexproperty.loadtest.engine.Meters;
import io.hexproperty.loadtest.engine.RunResult;
import io.hexproperty.loadtest.workload.Profile;
import io.hexproperty.loadtest.workload.RequestKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The machine-readable result (result.json); its field names are documented in docs/loadtest.md. */
public final class ResultJson {

    static final double[] PERCENTILES = {50, 90, 95, 99, 99.9, 99.99};

    private ResultJson() {}

    public static JsonObject of(RunResult r) {
        LoadtestConfig c = r.config();
        Tally t = r.total();
        JsonObject json = new JsonObject()
                .put("version", 1)
                .put("profile", c.plan().profile().key())
                .put("target", c.target())
                .put("startedAt", r.startedAt().toString())
                .put("wallSeconds", round(r.wallSeconds()))
                .put("stopReason", r.stopReason())
                .put("mix", r.mixDescription())
                .put("notes", new JsonArray(r.notes()));
        JsonArray stages = new JsonArray();
        c.plan().schedule().stages().forEach(s -> stages.add(new JsonObject()
                .put("seconds", round(s.duration().toNanos() / 1e9)).put("targetRate", round(s.targetRate()))));
        JsonArray phases = new JsonArray();
        c.plan().phases().forEach(p -> phases.add(new JsonObject().put("name", p.name())
                .put("start", round(p.start())).put("end", round(p.end()))));
        json.put("schedule", new JsonObject()
                .put("seconds", round(c.plan().schedule().duration().toNanos() / 1e9))
                .put("intendedStarts", c.plan().schedule().totalStarts())
                .put("stages", stages)
                .put("phases", phases));
        json.put("engine", new JsonObject()
                .put("connections", c.engine().connections())
                .put("maxInFlight", c.engine().maxInFlight())
                .put("timeoutMs", c.engine().timeout().toMillis())
                .put("lateToleranceMs", c.engine().lateTolerance().toMillis())
                .put("eventLoops", c.engine().eventLoops())
                .put("seed", c.engine().seed()));
        json.put("requests", new JsonObject()
                .put("intended", t.intended)
                .put("sent", t.sent)
                .put("late", t.late)
                .put("dropped", t.dropped)
                .put("completed", t.completed)
                .put("errors", t.errors)
                .put("timeouts", r.timeouts())
                .put("connectionErrors", r.connectionErrors())
                .put("lastError", r.lastError())
                .put("errorRate", t.errorRate())
                .put("achievedRate", round(t.completedRate()))
                .put("sentRate", round(t.sentRate()))
                .put("meanInFlight", round(t.meanInFlight()))
                .put("bytesReceived", r.bytesReceived())
                .put("secondsBehindSchedule", r.secondsBehindSchedule()));
        json.put("latencyMs", percentiles(t.latency));
        json.put("serviceTimeMs", percentiles(t.service));
        json.put("latenessMs", percentiles(t.lateness));
        JsonObject kinds = new JsonObject();
        for (Map.Entry<RequestKind, Meters.KindTotals> e : r.kinds().entrySet()) {
            Meters.KindTotals k = e.getValue();
            if (k.completed > 0) {
                kinds.put(e.getKey().key(), percentiles(k.latency).put("completed", k.completed).put("errors", k.errors));
            }
        }
        json.put("kinds", kinds);
        JsonObject statuses = new JsonObject();
        r.statuses().forEach((code, n) -> statuses.put(Integer.toString(code), n));
        json.put("statuses", statuses);
        JsonArray th = new JsonArray();
        for (ThresholdMonitor.Track tr : r.thresholds()) {
            th.add(new JsonObject()
                    .put("threshold", tr.threshold.text())
                    .put("windowSeconds", (int) c.window().toSeconds())
                    .put("windowsJudged", tr.windowsJudged)
                    .put("windowsBreached", tr.windowsBreached)
                    .put("firstBreachSeconds", tr.firstBreachSeconds < 0 ? null : tr.firstBreachSeconds)
                    .put("worstWindow", finite(tr.worstObserved) ? tr.threshold.render(tr.worstObserved) : null)
                    .put("wholeRun", finite(tr.finalObserved) ? tr.threshold.render(tr.finalObserved) : null)
                    .put("passed", !tr.breached()));
        }
        json.put("thresholds", th);
        json.put("thresholdsPassed", !r.thresholdsBreached());
        RunResult.Cpu cpu = r.cpu();
        json.put("generatorCpu", new JsonObject()
                .put("cpuSeconds", round(cpu.generatorCpuSeconds()))
                .put("wallSeconds", round(cpu.wallSeconds()))
                .put("cores", cpu.cores())
                .put("share", round(cpu.generatorShare()))
                .put("targetCpuSeconds", finite(cpu.targetCpuSeconds()) ? round(cpu.targetCpuSeconds()) : null)
                .put("targetShare", finite(cpu.targetShare()) ? round(cpu.targetShare()) : null));
        JsonObject trends = new JsonObject();
        r.trends().forEach((name, tr) -> trends.put(name, new JsonObject()
                .put("unit", ResourceProbe.UNITS.getOrDefault(name, ""))
                .put("samples", tr.samples())
                .put("first", orNull(tr.first()))
                .put("last", orNull(tr.last()))
                .put("min", orNull(tr.min()))
                .put("max", orNull(tr.max()))
                .put("slopePerHour", finite(tr.slopePerSecond()) ? round(tr.slopePerSecond() * 3600) : null)
                .put("t", finite(tr.tStatistic()) ? round(tr.tStatistic()) : null)
                .put("significant", tr.significant())));
        json.put("trends", trends);
        if (r.spike() != null) {
            SpikeRecovery s = r.spike();
            json.put("spike", new JsonObject()
                    .put("baselineP99Ms", msOrNull(s.baselineP99Micros()))
                    .put("spikeP99Ms", msOrNull(s.spikeP99Micros()))
                    .put("recoveryLimitMs", msOrNull(s.limitMicros()))
                    .put("spikeEndSeconds", s.spikeEnd())
                    .put("recoverySeconds", finite(s.recoverySeconds()) ? s.recoverySeconds() : null)
                    .put("recovered", finite(s.recoverySeconds())));
        }
        if (c.plan().profile() == Profile.BREAKPOINT) {
            json.put("breakpoint", new JsonObject()
                    .put("broken", r.stopReason() != null && r.stopReason().startsWith("SLO"))
                    .put("rateAtBreak", finite(r.breakpointRate()) ? round(r.breakpointRate()) : null));
        }
        if (r.capacity() != null) {
            json.put("capacity", capacity(r.capacity()));
        }
        JsonArray series = new JsonArray();
        for (CounterSeries.Row row : r.series()) {
            series.add(new JsonArray().add(round(row.start)).add(round(row.end)).add(round(row.intendedRate()))
                    .add(round(row.sentRate())).add(round(row.completedRate())).add(row.errors).add(row.dropped)
                    .add(row.late).add(round(row.meanInFlight())));
        }
        json.put("seriesColumns", new JsonArray().add("start").add("end").add("intendedRate").add("sentRate")
                .add("completedRate").add("errors").add("dropped").add("late").add("meanInFlight"));
        json.put("series", series);
        return json;
    }

    static JsonObject capacity(CapacityReport cap) {
        JsonObject o = new JsonObject();
        JsonArray steps = new JsonArray();
        for (CapacityReport.Step s : cap.steps()) {
            steps.add(new JsonObject().put("start", round(s.start())).put("end", round(s.end()))
                    .put("concurrency", round(s.concurrency())).put("throughput", round(s.throughput()))
                    .put("residenceMs", round(s.residenceSeconds() * 1000))
                    .put("littleConcurrency", round(s.littleConcurrency()))
                    .put("littleDeviation", round(s.littleDeviation())));
        }
        o.put("points", steps);
        o.put("littleMeanDeviation", finite(cap.littleMeanDeviation()) ? round(cap.littleMeanDeviation()) : null);
        if (cap.fit() != null) {
            UslModel m = cap.fit().model();
            o.put("usl", new JsonObject()
                    .put("sigma", m.sigma()).put("kappa", m.kappa()).put("lambda", m.lambda())
                    .put("nMax", finite(m.peakConcurrency()) ? round(m.peakConcurrency()) : null)
                    .put("xMax", finite(m.peakThroughput()) ? round(m.peakThroughput()) : null)
                    .put("rmse", round(cap.fit().rmse())).put("r2", round(cap.fit().r2()))
                    .put("mape", round(cap.fit().mape())).put("points", cap.fit().points()));
        } else {
            o.put("uslProblem", cap.fitProblem());
        }
        return o;
    }

    static JsonObject percentiles(Histogram h) {
        JsonObject o = new JsonObject().put("count", h.getTotalCount());
        for (double p : PERCENTILES) {
            o.put(label(p), h.getTotalCount() == 0 ? 0 : ms(h.getValueAtPercentile(p)));
        }
        o.put("max", ms(h.getMaxValue()));
        o.put("mean", ms(h.getTotalCount() == 0 ? 0 : h.getMean()));
        return o;
    }

    static String label(double p) {
        return p == Math.rint(p) ? "p" + (int) p : "p" + p;
    }

    static double ms(double micros) {
        return Double.isNaN(micros) ? Double.NaN : Math.round(micros) / 1000.0;
    }

    static Double msOrNull(double micros) {
        return finite(micros) ? ms(micros) : null;
    }

    static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : v;
    }

    static Double orNull(double v) {
        return finite(v) ? v : null;
    }

    static boolean finite(double v) {
        return Double.isFinite(v);
    }
}
