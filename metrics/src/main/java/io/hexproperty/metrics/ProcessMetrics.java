package io.hexproperty.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.ToDoubleFunction;

/**
 * What the JVM's own MXBeans do not show, read from /proc/self on Linux (absent elsewhere): resident
 * memory (native memory included: Netty buffers, the PostgreSQL client), context switches summed over
 * every thread, page faults, disk I/O, and CPU time in seconds. Every quantity that only grows is a
 * counter, so {@code rate()} works on it.
 */
final class ProcessMetrics implements MeterBinder {
    private final Path proc;
    private final ThreadSwitches switches;

    ProcessMetrics() {
        this(Path.of("/proc/self"));
    }

    ProcessMetrics(Path proc) {
        this.proc = proc;
        this.switches = new ThreadSwitches(proc.resolve("task"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        bindCpu(registry);
        bindAfterGc(registry);
        if (!Files.isReadable(proc.resolve("status"))) {
            return;
        }
        Gauge.builder("process.memory.rss", this, m -> m.statusKb("VmRSS:") * 1024).baseUnit("bytes")
                .description("Resident set size of the process (heap, native memory and code)").register(registry);
        Gauge.builder("process.memory.virtual", this, m -> m.statusKb("VmSize:") * 1024).baseUnit("bytes")
                .description("Virtual memory size of the process").register(registry);
        counter(registry, "process.context.switches", "kind", "voluntary", "switches",
                "Context switches of all threads of the process (voluntary: the thread blocked)",
                s -> s.switches.total(ThreadSwitches.Kind.VOLUNTARY));
        counter(registry, "process.context.switches", "kind", "involuntary", "switches",
                "Context switches of all threads of the process (voluntary: the thread blocked)",
                s -> s.switches.total(ThreadSwitches.Kind.INVOLUNTARY));
        // /proc/self/stat sums the faults of every thread of the process, exited ones included.
        counter(registry, "process.page.faults", "kind", "minor", "faults",
                "Page faults of the process (major: the page was read from disk)", s -> s.statField(10));
        counter(registry, "process.page.faults", "kind", "major", "faults",
                "Page faults of the process (major: the page was read from disk)", s -> s.statField(12));
        if (Files.isReadable(proc.resolve("io"))) {
            // read_bytes/write_bytes: what reached the block layer; rchar/wchar: every read()/write(), sockets included.
            counter(registry, "process.disk.io", "direction", "read", "bytes",
                    "Bytes the process caused to be read from or written to storage (/proc/self/io)", s -> s.io("read_bytes:"));
            counter(registry, "process.disk.io", "direction", "write", "bytes",
                    "Bytes the process caused to be read from or written to storage (/proc/self/io)", s -> s.io("write_bytes:"));
            counter(registry, "process.io", "direction", "read", "bytes",
                    "Bytes passed to read()/write() system calls, files and sockets (/proc/self/io rchar/wchar)", s -> s.io("rchar:"));
            counter(registry, "process.io", "direction", "write", "bytes",
                    "Bytes passed to read()/write() system calls, files and sockets (/proc/self/io rchar/wchar)", s -> s.io("wchar:"));
        }
    }

    private void counter(MeterRegistry registry, String name, String tag, String value, String unit, String help,
                         ToDoubleFunction<ProcessMetrics> f) {
        FunctionCounter.builder(name, this, f).tag(tag, value).baseUnit(unit).description(help).register(registry);
    }

    private static void bindCpu(MeterRegistry registry) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                && os.getProcessCpuTime() >= 0) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time used by the process (user + system)").register(registry);
        }
    }

    /**
     * Memory fragmentation as the collector sees it: per pool, what the last collection left in use
     * against what the JVM has committed. A growing gap is heap the JVM holds but does not need.
     */
    private static void bindAfterGc(MeterRegistry registry) {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getCollectionUsage() == null) {
                continue;
            }
            Gauge.builder("jvm.memory.used.after.gc", pool, p -> {
                        MemoryUsage u = p.getCollectionUsage();
                        return u == null ? Double.NaN : u.getUsed();
                    }).tag("id", pool.getName()).tag("area", pool.getType() == java.lang.management.MemoryType.HEAP ? "heap" : "nonheap")
                    .baseUnit("bytes").description("Bytes in use in a memory pool right after the last collection of that pool")
                    .strongReference(true)
                    .register(registry);
        }
    }

    /** Resident set size in bytes, or the JVM's committed heap where /proc is absent. */
    double rssBytes() {
        double kb = Files.isReadable(proc.resolve("status")) ? statusKb("VmRSS:") : Double.NaN;
        return Double.isNaN(kb) ? Runtime.getRuntime().totalMemory() : kb * 1024;
    }

    private double statusKb(String key) {
        return field(proc.resolve("status"), key);
    }

    private double io(String key) {
        return field(proc.resolve("io"), key);
    }

    private static double field(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
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
    private double statField(int n) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Double.parseDouble(rest[n - 3]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
