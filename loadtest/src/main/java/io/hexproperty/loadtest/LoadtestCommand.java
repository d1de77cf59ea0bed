package io.hexproperty.loadtest;

import io.hexproperty.loadtest.analysis.Threshold;
import io.hexproperty.loadtest.engine.EngineConfig;
import io.hexproperty.loadtest.engine.LoadRun;
import io.hexproperty.loadtest.engine.LoadtestConfig;
import io.hexproperty.loadtest.engine.RunResult;
import io.hexproperty.loadtest.report.Comparison;
import io.hexproperty.loadtest.report.HtmlReport;
import io.hexproperty.loadtest.report.ResultJson;
import io.hexproperty.loadtest.report.SummaryTable;
import io.hexproperty.loadtest.workload.Discovery;
import io.hexproperty.loadtest.workload.DurationFormat;
import io.hexproperty.loadtest.workload.Mix;
import io.hexproperty.loadtest.workload.Profile;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hexproperty loadtest}: an open-model load test with coordinated-omission-free latency.
 * Registered as a subcommand of the main CLI, and runnable alone through {@link #main}.
 * Exit codes: 0 passed, 1 could not run, 2 bad usage, 98 regression against --compare (with
 * --fail-on-regression), 99 an SLO threshold was breached.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = "Open-model load test (smoke, load, stress, soak, spike, breakpoint) with latency from the intended start.",
        sortOptions = false)
public final class LoadtestCommand implements Callable<Integer> {

    static final int EXIT_FAILED = 1;
    static final int EXIT_REGRESSION = 98;
    static final int EXIT_THRESHOLDS = 99;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--profile", defaultValue = "smoke",
            description = "smoke | load | stress | soak | spike | breakpoint (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--target", required = true, description = "Base URL of the system under test, e.g. http://127.0.0.1:8080")
    String target;

    @Option(names = "--rate", defaultValue = "50", description = "Typical rate, requests/s (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--duration", description = "Whole run, e.g. 30s, 2m, 1h (default: per profile)")
    String duration;

    @Option(names = "--mix", description = "Mix file (properties or JSON weights per kind) or inline, e.g. listing=70,search=30")
    String mix;

    @Option(names = "--token", description = "Bearer token for PATCH updates; without it updates are skipped")
    String token;

    @Option(names = {"--thresholds", "--slo"}, description = "SLOs, e.g. 'p99<50ms,errors<0.1%%'")
    String thresholds;

    @Option(names = "--window", defaultValue = "10s", description = "Sliding window for thresholds (default: ${DEFAULT-VALUE})")
    String window;

    @Option(names = "--abort-on-breach", description = "Stop at the first breached window")
    boolean abortOnBreach;

    @Option(names = "--out", description = "Output directory (default: ./loadtest-results/<timestamp>)")
    Path out;

    @Option(names = "--compare", description = "A previous result.json to compare with")
    Path compare;

    @Option(names = "--tolerance", defaultValue = "10", description = "Regression tolerance in percent (default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = "--fail-on-regression", description = "Exit 98 when --compare finds a regression")
    boolean failOnRegression;

    @Option(names = "--connections", defaultValue = "64", description = "Keep-alive connections (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--max-in-flight", defaultValue = "10000", description = "Starts beyond this many outstanding are dropped (default: ${DEFAULT-VALUE})")
    int maxInFlight;

    @Option(names = "--timeout", defaultValue = "10s", description = "Request timeout (default: ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--late-tolerance", defaultValue = "10ms", description = "A start later than this is late (default: ${DEFAULT-VALUE})")
    String lateTolerance;

    @Option(names = "--event-loops", defaultValue = "1", description = "Client event loops (default: ${DEFAULT-VALUE})")
    int eventLoops;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the workload (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--zipf", defaultValue = "1.0", description = "Zipf exponent of listing popularity (default: ${DEFAULT-VALUE})")
    double zipf;

    @Option(names = "--discover-pages", defaultValue = "5", description = "Pages of 100 listings read for the workload (default: ${DEFAULT-VALUE})")
    int discoverPages;

    @Option(names = {"--spike-factor", "--step-factor"}, defaultValue = "5",
            description = "Spike (or step) height, times the typical rate (default: ${DEFAULT-VALUE})")
    double spikeFactor;

    @Option(names = "--max-rate", defaultValue = "0", description = "Breakpoint ceiling, requests/s (default: 10x --rate)")
    double maxRate;

    @Option(names = "--steps", defaultValue = "0", description = "Breakpoint steps; 0 ramps smoothly (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--target-pid", defaultValue = "0", description = "Pid of a local target: sample /proc for RSS, threads, fds, CPU")
    long targetPid;

    @Option(names = "--metrics-path", description = "Prometheus path on the target, or a full URL such as serve's management port "
            + "http://127.0.0.1:8081/metrics, to sample (soak default: /metrics on the target)")
    String metricsPath;

    @Option(names = "--probe-interval", defaultValue = "5s", description = "Target resource sampling period (default: ${DEFAULT-VALUE})")
    String probeInterval;

    @Option(names = "--no-images", description = "Skip the PNG images")
    boolean noImages;

    private PrintStream stdout = System.out;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new LoadtestCommand()).execute(args));
    }

    LoadtestCommand output(PrintStream out) {
        this.stdout = out;
        return this;
    }

    @Override
    public Integer call() {
        System.setProperty("java.awt.headless", "true");
        LoadtestConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Outcome outcome;
        try {
            outcome = run(config, stdout, compare, tolerance / 100);
        } catch (Discovery.DiscoveryException | IllegalArgumentException e) {
            stdout.println("loadtest could not run: " + e.getMessage());
            return EXIT_FAILED;
        }
        if (outcome.result().stopReason() != null && outcome.result().stopReason().equals(LoadRun.INTERRUPTED)) {
            return EXIT_FAILED;
        }
        if (outcome.result().thresholdsBreached()) {
            return EXIT_THRESHOLDS;
        }
        if (failOnRegression && outcome.comparison() != null && outcome.comparison().regressed()) {
            return EXIT_REGRESSION;
        }
        return 0;
    }

    /** What a run produced: the result, the files written, the comparison if one was asked. */
    record Outcome(RunResult result, JsonObject json, List<Path> files, Comparison comparison) {}

    /** Runs one test and writes every output; the programmatic entry point. */
    static Outcome run(LoadtestConfig config, PrintStream out, Path compareWith, double tolerance) {
        LoadRun run = new LoadRun(config, out);
        java.util.concurrent.CountDownLatch written = new java.util.concurrent.CountDownLatch(1);
        // Ctrl-C stops the schedule, and the JVM waits (bounded) for the drain and the report files.
        Thread hook = new Thread(() -> {
            run.stop();
            try {
                written.await(config.engine().timeout().toSeconds() + 30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "loadtest-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return writeOutputs(run.execute(), config, out, compareWith, tolerance);
        } finally {
            written.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down; the hook is what let us finish
            }
        }
    }

    private static Outcome writeOutputs(RunResult result, LoadtestConfig config, PrintStream out, Path compareWith,
                                                                            double tolerance) {
        JsonObject json = ResultJson.of(result);
        Comparison comparison = null;
        if (compareWith != null) {
            try {
                comparison = Comparison.of(new JsonObject(Files.readString(compareWith)), json, tolerance);
                json.put("comparison", comparison.toJson(compareWith.toString()));
            } catch (IOException | RuntimeException e) {
                out.println("cannot compare with " + compareWith + ": " + e.getMessage());
            }
        }
        Path dir = config.outputDir();
        List<Path> files = new java.util.ArrayList<>();
        files.add(dir.resolve("result.json"));
        files.add(result.histogramLog());
        try {
            Files.writeString(dir.resolve("result.json"), json.encodePrettily());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write result.json in " + dir.toAbsolutePath(), e);
        }
        files.addAll(HtmlReport.write(result, json, dir, config.images()));
        SummaryTable.print(result, out);
        if (comparison != null) {
            comparison.print(out, compareWith.toString());
        }
        out.println("results in " + dir.toAbsolutePath() + ": "
                + files.stream().map(p -> p.getFileName().toString()).toList());
        out.println(result.thresholdsBreached() ? "THRESHOLDS BREACHED" : "thresholds passed");
        return new Outcome(result, json, List.copyOf(files), comparison);
    }

    LoadtestConfig config() {
        Profile p = Profile.of(profile);
        Duration d = duration == null ? null : DurationFormat.parse(duration);
        Profile.Plan plan = p.plan(rate, d, spikeFactor, maxRate, steps);
        Mix m = mix == null ? Mix.realistic() : Mix.read(mix);
        List<Threshold> th = Threshold.parseAll(thresholds);
        if (p == Profile.BREAKPOINT && th.isEmpty()) {
            th = Threshold.parseAll("p99<500ms,errors<1%");
        }
        Path dir = out != null ? out : Path.of("loadtest-results",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
        EngineConfig es = new EngineConfig(connections, maxInFlight, DurationFormat.parse(timeout),
                DurationFormat.parse(lateTolerance), eventLoops, seed);
        return new LoadtestConfig(target, plan, m, token, th, DurationFormat.parse(window), abortOnBreach, dir, es, zipf,
                discoverPages, targetPid, metricsPath, DurationFormat.parse(probeInterval), !noImages);
    }
}
