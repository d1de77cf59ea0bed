package io.hexproperty.loadtest.engine;

import io.hexproperty.loadtest.analysis.CapacityReport;
import io.hexproperty.loadtest.analysis.CounterSeries;
import io.hexproperty.loadtest.analysis.ResourceProbe;
import io.hexproperty.loadtest.analysis.SpikeRecovery;
import io.hexproperty.loadtest.analysis.Tally;
import io.hexproperty.loadtest.analysis.Threshold;
import io.hexproperty.loadtest.analysis.ThresholdMonitor;
import io.hexproperty.loadtest.workload.ArrivalSchedule;
import io.hexproperty.loadtest.workload.Catalogue;
import io.hexproperty.loadtest.workload.Discovery;
import io.hexproperty.loadtest.workload.DurationFormat;
import io.hexproperty.loadtest.workload.Mix;
import io.hexproperty.loadtest.workload.Profile;
import io.hexproperty.loadtest.workload.RequestKind;
import io.hexproperty.loadtest.workload.TargetUrl;
import io.hexproperty.loadtest.workload.WorkloadModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * One load test from discovery to result. The calling thread is the reporter: once a second it
 * drains the meters into an interval, appends it to the histogram log, judges the sliding
 * windows, feeds the spike and resource trackers and prints the progress line. Everything it
 * keeps is bounded (a window of intervals, a capped counter series, running trends), so a soak
 * of days needs the same memory as a smoke test; the raw per-second histograms live in the log.
 */
public final class LoadRun {

    public static final String INTERRUPTED = "interrupted";
    public static final String STOPPED_ON_REQUEST = "stopped on request";
    private static final int WARM_UP = 16;

    private final LoadtestConfig config;
    private final PrintStream out;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private volatile OpenModelEngine engine;
    private double stoppedAt = Double.POSITIVE_INFINITY;

    public LoadRun(LoadtestConfig config, PrintStream out) {
        this(config, out, Clock.systemUTC(), System::nanoTime);
    }

    LoadRun(LoadtestConfig config, PrintStream out, Clock clock, LongSupplier nanoTime) {
        this.config = config;
        this.out = out;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    /** Asks a running test to stop scheduling (e.g. from a shutdown hook); it then drains and reports. */
    public void stop() {
        OpenModelEngine e = engine;
        if (e != null) {
            e.stop();
        }
    }

    public RunResult execute() {
        EngineConfig es = config.engine();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(es.eventLoops()).setWorkerPoolSize(1));
        try {
            HttpClientAgent client = vertx.createHttpClient(
                    new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setDecompressionSupported(false),
                    new PoolOptions().setHttp1MaxSize(es.connections()).setMaxWaitQueueSize(-1));
            WebClient web = WebClient.wrap(client);
            return execute(vertx, client, web);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    private RunResult execute(Vertx vertx, HttpClientAgent client, WebClient web) {
        TargetUrl target = TargetUrl.parse(config.target());
        List<String> notes = new ArrayList<>();
        Mix mix = config.mix();
        if (mix.weights().containsKey(RequestKind.UPDATE) && (config.token() == null || config.token().isBlank())) {
            notes.add("no --token: updates skipped, their weight spread over the other kinds");
            mix = mix.weights().size() == 1 ? Mix.only(RequestKind.TARGET) : mix.without(RequestKind.UPDATE);
        }
        Catalogue catalogue = new Catalogue(List.of());
        if (mix.needsCatalogue()) {
            catalogue = new Discovery(web, target, es().timeout()).collect(config.discoverPages());
            notes.add("workload built from " + catalogue.entries().size() + " listings read from the target");
        }
        WorkloadModel workload = new WorkloadModel(mix, catalogue, target, config.zipfExponent(), es().seed());
        Profile.Plan plan = config.plan();
        ArrivalSchedule schedule = plan.schedule();

        try {
            Files.createDirectories(config.outputDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create output directory " + config.outputDir().toAbsolutePath(), e);
        }
        Path hlogPath = config.outputDir().resolve("latency.hlog");
        Meters meters = new Meters();
        ThresholdMonitor monitor = new ThresholdMonitor(config.thresholds(), (int) config.window().toSeconds());
        CounterSeries series = new CounterSeries(3600);
        Tally total = new Tally();
        Tally interval = new Tally();
        // The p99 trend of a soak is taken per probe interval, not per second: a second holds too few requests.
        org.HdrHistogram.Histogram probeLatency = Tally.newHistogram();
        Profile.Phase spikePhase = plan.phase("spike");
        SpikeRecovery spike = spikePhase == null ? null : new SpikeRecovery(spikePhase.start(), spikePhase.end());
        String metricsPath = config.metricsPath();
        if (metricsPath == null && plan.profile() == Profile.SOAK) {
            metricsPath = "/metrics";
        }
        ResourceProbe probe = new ResourceProbe(config.targetPid(), web, target, metricsPath);
        int probeEvery = (int) config.probeInterval().toSeconds();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int cores = Runtime.getRuntime().availableProcessors();

        out.printf(Locale.ROOT, "loadtest %s -> %s, %s, %s, mix %s%n", plan.profile().key(), config.target(),
                DurationFormat.format(schedule.duration()), schedule, mix);
        notes.forEach(n -> out.println("note: " + n));

        warmUp(client, target);
        OpenModelEngine eng = new OpenModelEngine(vertx, client, target, schedule, workload, es(), config.token(), meters, nanoTime);
        this.engine = eng;
        String stopReason = null;
        long behind = 0;
        double breakpointRate = Double.NaN;
        double targetCpu0 = probe.targetCpuSeconds();
        long cpu0 = os.getProcessCpuTime();
        Instant startedAt = clock.instant();
        long wall0 = nanoTime.getAsLong();
        long t0 = 0;
        try (HlogOutput hlog = new HlogOutput(hlogPath, startedAt)) {
            t0 = eng.start();
            long drainDeadline = Long.MAX_VALUE;
            boolean stopped = false;
            boolean stopping = false;
            stoppedAt = Double.POSITIVE_INFINITY;
            for (int k = 1; ; k++) {
                long due = t0 + k * 1_000_000_000L;
                for (long w = due - nanoTime.getAsLong(); w > 0; w = due - nanoTime.getAsLong()) {
                    LockSupport.parkNanos(w);
                }
                double start = k - 1;
                double end = k;
                meters.drain(interval);
                interval.seconds = 1;
                // Once a stop is asked for, the schedule no longer applies: what was due is what was issued.
                double intended = stopping || stopped || eng.stopRequested() ? interval.sent + interval.dropped : schedule.intendedBetween(start, end);
                interval.intended = Math.round(intended);
                total.add(interval);
                series.add(interval, start, end, intended);
                hlog.write(interval, start, end);
                if (!stopped && !stopping && intended - interval.sent > Math.max(1, 0.01 * intended)) {
                    behind++;
                }
                List<Threshold> breached = monitor.onInterval(interval, end);
                if (spike != null) {
                    spike.onInterval(interval, start, end);
                }
                if (probe.active()) {
                    probeLatency.add(interval.latency);
                    if (k % probeEvery == 0) {
                        probe.sample(end);
                        if (probeLatency.getTotalCount() > 0) {
                            probe.latency(end, probeLatency.getValueAtPercentile(99) / 1e6);
                        }
                        probeLatency.reset();
                    }
                }
                out.println(progress(end, interval, intended, eng.inFlight(), breached));
                if (!stopping && !breached.isEmpty() && (config.abortOnBreach() || plan.stopOnBreach())) {
                    stopping = true;
                    stoppedAt = end;
                    stopReason = "SLO breached in the " + monitor.windowSeconds() + "s window ending at " + (int) end + "s: "
                            + breached.stream().map(Threshold::text).collect(Collectors.joining(", "));
                    breakpointRate = monitor.window().completedRate();
                    out.println("stopping: " + stopReason);
                    eng.stop();
                }
                if (!stopping && eng.stopRequested()) {
                    stopping = true;
                    stoppedAt = end;
                    stopReason = STOPPED_ON_REQUEST;
                }
                if (!stopped && eng.scheduleDone()) {
                    stopped = true;
                    drainDeadline = nanoTime.getAsLong() + es().timeout().toNanos() + 1_000_000_000L;
                }
                if (stopped && (eng.inFlight() == 0 || nanoTime.getAsLong() > drainDeadline)) {
                    break;
                }
            }
            eng.join(1000);
            // A request that completed between the last drain and the in-flight check above is
            // recorded but in no interval yet: flush it as a final, partial interval.
            meters.drain(interval);
            if (interval.sent + interval.completed + interval.dropped > 0) {
                double start = Math.floor((nanoTime.getAsLong() - t0) / 1e9 - 1e-9);
                start = Math.max(start, series.rows().isEmpty() ? 0 : series.rows().getLast().end);
                interval.seconds = 1;
                interval.intended = interval.sent + interval.dropped;
                total.add(interval);
                series.add(interval, start, start + 1, interval.intended);
                hlog.write(interval, start, start + 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            eng.stop();
            stopReason = INTERRUPTED;
        }
        double wall = (nanoTime.getAsLong() - wall0) / 1e9;
        double genCpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        double targetCpu = probe.targetCpuSeconds() - targetCpu0;
        monitor.finish(total);
        if (probe.metricsProblem() != null) {
            notes.add("target metrics: " + probe.metricsProblem());
        }
        long throttled = meters.statusCounts().getOrDefault(429, 0L);
        if (throttled > 0) {
            // counted as errors (the target did refuse them), but the usual cause is the target's own protection
            String note = throttled + " responses were 429 Too Many Requests: the target's rate limits (serve"
                    + " --inquiry-limit-client, default 10/1h per client address) refused them; for a load test that"
                    + " posts inquiries, raise the limits on the target or leave inquiry out of --mix";
            notes.add(note);
            out.println("note: " + note);
        }
        List<CounterSeries.Row> rows = series.rows();
        // Capacity points come from the load phase only: the drain after a stop is not a load level.
        double cut = stoppedAt;
        CapacityReport capacity = plan.profile() == Profile.BREAKPOINT
                ? CapacityReport.of(rows.stream().filter(row -> row.end <= cut + 1e-9).toList(), plan) : null;
        return new RunResult(config, mix.toString(), List.copyOf(notes), startedAt, wall, stopReason, total,
                meters.kindTotals(), meters.statusCounts(), meters.timeouts.sum(), meters.connectionErrors.sum(),
                meters.lastError(), meters.bytesReceived.sum(), rows, behind, monitor.tracks(),
                new RunResult.Cpu(genCpu, wall, cores, targetCpu), probe.trends(), spike, breakpointRate, capacity, hlogPath);
    }

    /**
     * Opens connections and loads the client's code paths before the clock starts, with a few
     * unrecorded GETs of the target URL, so the first second measures the target rather than the
     * generator's class loading and connection setup.
     */
    private void warmUp(HttpClientAgent client, TargetUrl target) {
        int n = Math.min(WARM_UP, es().connections());
        List<io.vertx.core.Future<?>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(client.request(new io.vertx.core.http.RequestOptions().setHost(target.host()).setPort(target.port())
                            .setSsl(target.tls()).setURI(target.pathAndQuery()).setConnectTimeout(es().timeout().toMillis())
                            .setIdleTimeout(es().timeout().toMillis()))
                    .compose(req -> req.send().compose(resp -> resp.end())));
        }
        io.vertx.core.Future.join(all).toCompletionStage().toCompletableFuture()
                .orTimeout(es().timeout().toMillis(), TimeUnit.MILLISECONDS).exceptionally(e -> null).join();
    }

    private EngineConfig es() {
        return config.engine();
    }

    static String progress(double end, Tally i, double intended, int inFlight, List<Threshold> breached) {
        return String.format(Locale.ROOT,
                "%6.0fs rate %8.1f/s (target %8.1f) p50 %9s p99 %9s err %6.2f%% inflight %5d late %d dropped %d%s",
                end, i.sentRate(), intended / Math.max(1e-9, i.seconds), DurationFormat.micros(i.p(50)),
                DurationFormat.micros(i.p(99)), i.errorRate() * 100, inFlight, i.late, i.dropped,
                breached.isEmpty() ? "" : "  BREACH " + breached.stream().map(Threshold::text).collect(Collectors.joining(",")));
    }

    static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
