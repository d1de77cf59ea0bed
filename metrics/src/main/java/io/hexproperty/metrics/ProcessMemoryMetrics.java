package io.hexproperty.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident and virtual memory, page faults and context switches of this process, read from
 * /proc/self on Linux (absent elsewhere). The JVM's own memory pools do not show native memory
 * (Netty buffers, the PostgreSQL client), which is what RSS catches.
 */
final class ProcessMemoryMetrics implements MeterBinder {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path STAT = Path.of("/proc/self/stat");

    @Override
    public void bindTo(MeterRegistry registry) {
        if (!Files.isReadable(STATUS)) {
            return;
        }
        Gauge.builder("process.memory.rss", () -> statusKb("VmRSS:") * 1024).baseUnit("bytes")
                .description("Resident set size").register(registry);
        Gauge.builder("process.memory.virtual", () -> statusKb("VmSize:") * 1024).baseUnit("bytes")
                .description("Virtual memory size").register(registry);
        Gauge.builder("process.context.switches.voluntary", () -> statusKb("voluntary_ctxt_switches:"))
                .register(registry);
        Gauge.builder("process.context.switches.involuntary", () -> statusKb("nonvoluntary_ctxt_switches:"))
                .register(registry);
        Gauge.builder("process.page.faults.minor", () -> statField(10)).register(registry);
        Gauge.builder("process.page.faults.major", () -> statField(12)).register(registry);
    }

    private static double statusKb(String key) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(key)) {
                    return Double.parseDouble(line.substring(key.length()).strip().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /** Field n (1-based, as in proc(5)) of /proc/self/stat, counted after the parenthesised name. */
    private static double statField(int n) {
        try {
            String stat = Files.readString(STAT);
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Double.parseDouble(rest[n - 3]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
