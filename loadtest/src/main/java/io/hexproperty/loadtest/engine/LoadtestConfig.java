package io.hexproperty.loadtest.engine;

import io.hexproperty.loadtest.analysis.Threshold;
import io.hexproperty.loadtest.workload.Mix;
import io.hexproperty.loadtest.workload.Profile;
import io.hexproperty.loadtest.workload.TargetUrl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything one run needs, validated once. The CLI builds it; tests build it directly.
 *
 * @param target          base URL of the system under test
 * @param plan            the profile's arrival shape and phases
 * @param mix             weights per request kind
 * @param token           bearer token for writes; null skips the update kind
 * @param thresholds      SLOs judged over sliding windows and at the end
 * @param window          length of the sliding window
 * @param abortOnBreach   stop the run at the first breached window
 * @param outputDir       where result.json, the histogram log and the report go
 * @param engine          generator settings
 * @param zipfExponent    popularity skew of listing keys (1.0 is classic Zipf)
 * @param discoverPages   pages of 100 listings read to build the workload
 * @param targetPid       pid of a local target to sample from /proc; 0 for none
 * @param metricsPath     path of the target's Prometheus endpoint; null to not scrape
 * @param probeInterval   how often target resources are sampled
 * @param images          also write PNG images of the plots
 */
public record LoadtestConfig(String target, Profile.Plan plan, Mix mix, String token, List<Threshold> thresholds,
                                                          Duration window, boolean abortOnBreach, Path outputDir, EngineConfig engine,
                                                          double zipfExponent, int discoverPages, long targetPid, String metricsPath,
                                                          Duration probeInterval, boolean images) {

    public LoadtestConfig {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(mix, "mix");
        Objects.requireNonNull(outputDir, "outputDir");
        Objects.requireNonNull(engine, "engine");
        thresholds = List.copyOf(thresholds);
        TargetUrl.parse(target);
        if (window == null || window.toSeconds() < 1) {
            throw new IllegalArgumentException("threshold window must be at least 1s, was " + window);
        }
        if (discoverPages < 1) {
            throw new IllegalArgumentException("discover pages must be >= 1, was " + discoverPages);
        }
        if (probeInterval == null || probeInterval.toSeconds() < 1) {
            throw new IllegalArgumentException("probe interval must be at least 1s, was " + probeInterval);
        }
        if (targetPid < 0) {
            throw new IllegalArgumentException("target pid must be >= 0, was " + targetPid);
        }
    }

    /** A config with the defaults of the CLI for everything but target, plan and output. */
    public static LoadtestConfig of(String target, Profile.Plan plan, Path outputDir) {
        return new LoadtestConfig(target, plan, Mix.realistic(), null, List.of(), Duration.ofSeconds(10), false,
                outputDir, EngineConfig.defaults(), 1.0, 5, 0, null, Duration.ofSeconds(5), true);
    }

    public LoadtestConfig withMix(Mix m) {
        return new LoadtestConfig(target, plan, m, token, thresholds, window, abortOnBreach, outputDir, engine,
                zipfExponent, discoverPages, targetPid, metricsPath, probeInterval, images);
    }

    public LoadtestConfig withThresholds(List<Threshold> t, Duration w, boolean abort) {
        return new LoadtestConfig(target, plan, mix, token, t, w, abort, outputDir, engine,
                zipfExponent, discoverPages, targetPid, metricsPath, probeInterval, images);
    }

    public LoadtestConfig withEngine(EngineConfig e) {
        return new LoadtestConfig(target, plan, mix, token, thresholds, window, abortOnBreach, outputDir, e,
                zipfExponent, discoverPages, targetPid, metricsPath, probeInterval, images);
    }

    public LoadtestConfig withToken(String t) {
        return new LoadtestConfig(target, plan, mix, t, thresholds, window, abortOnBreach, outputDir, engine,
                zipfExponent, discoverPages, targetPid, metricsPath, probeInterval, images);
    }

    public LoadtestConfig withProbe(long pid, String metrics) {
        return new LoadtestConfig(target, plan, mix, token, thresholds, window, abortOnBreach, outputDir, engine,
                zipfExponent, discoverPages, pid, metrics, probeInterval, images);
    }
}
