package io.hexproperty.metrics;

import java.time.Duration;

/**
 * Settings of the derived metrics: Apdex's target time T per route (satisfied at most T, tolerating
 * at most 4T), the window the live figures are computed over (1 minute, sampled every 2 s, so the
 * dashboard moves within seconds; Prometheus computes its own windows from the histograms), and the prices that turn resource use
 * into cost. Default prices split an on-demand general-purpose cloud instance (about $0.19 an hour
 * for 4 vCPU and 16 GB) into $0.034 per vCPU-hour and $0.0045 per GB-hour; set your own.
 */
public record MetricsConfig(Duration apdexT, Duration window, Duration step, double cpuHourPrice, double gbHourPrice,
                            java.net.URI alertWebhook) {
    public MetricsConfig {
        if (apdexT == null || apdexT.isNegative() || apdexT.isZero() || apdexT.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("--apdex-t must be between 1ms and 10s, got " + apdexT);
        }
        if (step == null || step.toMillis() < 100) {
            throw new IllegalArgumentException("the metrics step must be at least 100ms, got " + step);
        }
        if (window == null || window.compareTo(step.multipliedBy(2)) < 0 || window.dividedBy(step) > 10_000) {
            throw new IllegalArgumentException("the metrics window must span 2 to 10000 steps of " + step + ", got " + window);
        }
        if (alertWebhook != null && !("http".equals(alertWebhook.getScheme()) || "https".equals(alertWebhook.getScheme()))) {
            throw new IllegalArgumentException("--alert-webhook must be an http(s) URL, got " + alertWebhook);
        }
        if (!(cpuHourPrice >= 0) || !(gbHourPrice >= 0) || Double.isInfinite(cpuHourPrice) || Double.isInfinite(gbHourPrice)) {
            throw new IllegalArgumentException("--price-cpu-hour and --price-gb-hour must be >= 0, got "
                    + cpuHourPrice + " and " + gbHourPrice);
        }
    }

    public static MetricsConfig defaults() {
        return new MetricsConfig(Duration.ofMillis(100), Duration.ofMinutes(1), Duration.ofSeconds(2), 0.034, 0.0045, null);
    }

    public MetricsConfig withApdexT(Duration t) {
        return new MetricsConfig(t, window, step, cpuHourPrice, gbHourPrice, alertWebhook);
    }

    public MetricsConfig withPrices(double cpuHour, double gbHour) {
        return new MetricsConfig(apdexT, window, step, cpuHour, gbHour, alertWebhook);
    }

    public MetricsConfig withWindow(Duration window, Duration step) {
        return new MetricsConfig(apdexT, window, step, cpuHourPrice, gbHourPrice, alertWebhook);
    }

    /** Where alert notifications are POSTed (Alertmanager's webhook JSON), or null for the log only. */
    public MetricsConfig withAlertWebhook(java.net.URI url) {
        return new MetricsConfig(apdexT, window, step, cpuHourPrice, gbHourPrice, url);
    }
}
