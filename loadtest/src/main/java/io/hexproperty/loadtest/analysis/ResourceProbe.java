package io.hexproperty.loadtest.analysis;

import io.hexproperty.loadtest.workload.TargetUrl;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the target's resources during a run to expose leaks a soak is meant to find: RSS,
 * threads and open file descriptors from /proc/&lt;pid&gt; of a local target, and heap after GC
 * (Micrometer's jvm_gc_live_data_size_bytes), live threads, open files, open HTTP connections and
 * the PostgreSQL pool (connections leased, operations waiting) from its /metrics, and the run's own
 * p99 per probe interval. Each metric keeps only a running linear trend with its t statistic.
 */
public final class ResourceProbe {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceProbe.class);
    /** Linux USER_HZ; 100 on every mainstream kernel configuration. */
    private static final double CLOCK_TICKS = 100;

    /** Metric name -> unit, in report order. */
    public static final Map<String, String> UNITS = Map.of(
            "rss", "bytes", "threads", "threads", "fds", "fds",
            "heap_after_gc", "bytes", "jvm_threads", "threads", "open_files", "fds",
            "open_connections", "connections", "db_pool_used", "connections", "db_pool_waiters", "operations",
            "p99", "seconds");

    private final long pid;
    private final WebClient client;
    private final TargetUrl target;
    private final String metricsPath;
    private final Map<String, LinearTrend> trends = new LinkedHashMap<>();
    private volatile String metricsProblem;

    public ResourceProbe(long pid, WebClient client, TargetUrl target, String metricsPath) {
        this.pid = pid;
        this.client = client;
        this.target = target;
        this.metricsPath = metricsPath;
    }

    public boolean active() {
        return pid > 0 || metricsPath != null;
    }

    public void sample(double seconds) {
        if (pid > 0) {
            sampleProc(seconds);
        }
        if (metricsPath != null && client != null) {
            // A full URL reaches another port (serve's management port); a path is taken on the target.
            var request = metricsPath.startsWith("http://") || metricsPath.startsWith("https://")
                    ? client.getAbs(metricsPath) : client.get(target.port(), target.host(), metricsPath).ssl(target.tls());
            request.timeout(2000).send()
                    .onSuccess(r -> parseMetrics(seconds, r))
                    .onFailure(e -> metricsProblem = "GET " + metricsPath + " failed: " + e);
        }
    }

    private void sampleProc(double seconds) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    trend("rss").add(seconds, Double.parseDouble(line.replaceAll("[^0-9]", "")) * 1024);
                } else if (line.startsWith("Threads:")) {
                    trend("threads").add(seconds, Double.parseDouble(line.replaceAll("[^0-9]", "")));
                }
            }
            int fds = 0;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(proc.resolve("fd"))) {
                for (Path ignored : ds) {
                    fds++;
                }
            }
            trend("fds").add(seconds, fds);
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot sample /proc/{}: {}", pid, e.toString());
        }
    }

    private void parseMetrics(double seconds, HttpResponse<Buffer> r) {
        if (r.statusCode() != 200) {
            metricsProblem = "GET " + metricsPath + " answered " + r.statusCode();
            return;
        }
        double heapLive = Double.NaN;
        double threads = Double.NaN;
        double files = Double.NaN;
        double connections = Double.NaN;
        double poolUsed = Double.NaN;
        double poolWaiters = Double.NaN;
        for (String line : r.bodyAsString().split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            if (sp < 0) {
                continue;
            }
            String name = line.substring(0, sp);
            int brace = name.indexOf('{');
            String family = brace < 0 ? name : name.substring(0, brace);
            double v;
            try {
                v = Double.parseDouble(line.substring(sp + 1).trim());
            } catch (NumberFormatException e) {
                continue;
            }
            if (name.startsWith("jvm_gc_live_data_size_bytes")) {
                heapLive = v;
            } else if (name.startsWith("jvm_threads_live_threads")) {
                threads = v;
            } else if (name.startsWith("process_files_open_files")) {
                files = v;
            } else if (family.equals("http_server_active_connections")) {
                connections = nanSum(connections, v);
            } else if (family.equals("db_client_connections_used")) {
                poolUsed = nanSum(poolUsed, v);
            } else if (family.equals("db_client_connections_waiters")) {
                poolWaiters = nanSum(poolWaiters, v);
            }
        }
        trend("heap_after_gc").add(seconds, heapLive);
        trend("jvm_threads").add(seconds, threads);
        trend("open_files").add(seconds, files);
        trend("open_connections").add(seconds, connections);
        trend("db_pool_used").add(seconds, poolUsed);
        trend("db_pool_waiters").add(seconds, poolWaiters);
    }

    /** Series with one row per label set (both ports' connections, every pool) are summed. */
    private static double nanSum(double sum, double v) {
        return Double.isNaN(sum) ? v : sum + v;
    }

    /** The generator's own p99 (from the intended start) over the last probe interval, in seconds. */
    public void latency(double seconds, double p99Seconds) {
        trend("p99").add(seconds, p99Seconds);
    }

    private synchronized LinearTrend trend(String name) {
        return trends.computeIfAbsent(name, k -> new LinearTrend());
    }

    public synchronized Map<String, LinearTrend> trends() {
        Map<String, LinearTrend> out = new LinkedHashMap<>();
        trends.forEach((k, v) -> {
            if (v.samples() > 0) {
                out.put(k, v);
            }
        });
        return out;
    }

    public String metricsProblem() {
        return metricsProblem;
    }

    /** CPU seconds (user + system) used so far by the target process, or NaN. */
    public double targetCpuSeconds() {
        if (pid <= 0) {
            return Double.NaN;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may contain spaces.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
