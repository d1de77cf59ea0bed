package io.hexproperty.benchmarks.system;

import io.hexproperty.seed.CopyRowsAccess;
import io.hexproperty.seed.ListingGenerator;
import io.hexproperty.seed.SeedConfig;
import io.hexproperty.seed.SeedPhase;
import io.hexproperty.seed.SeedProgress;
import io.hexproperty.seed.SeedReport;
import io.hexproperty.seed.Seeder;
import io.hexproperty.domain.Listing;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;

/**
 * Measures a seed end to end: starts an embedded PostgreSQL in a fresh temporary directory,
 * migrates it with Flyway, times the generator alone, seeds, and prints per-phase timings, table
 * sizes and machine facts. The database is deleted afterwards.
 *
 * <pre>
 * java -cp "$CP" io.hexproperty.benchmarks.system.SeedBenchmark [count] [--streams N] [--chunk N]
 *      [--seed S] [--maintenance-work-mem 256MB] [--pg name=value]...
 * </pre>
 * (see docs/benchmarks/seed.md for how to build {@code $CP}).
 */
public final class SeedBenchmark {
    private SeedBenchmark() {}

    public static void main(String[] args) throws Exception {
        long count = 100_000;
        long seed = 42;
        SeedConfig options = SeedConfig.defaults();
        Map<String, String> pgConfig = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--streams" -> options = options.withStreams(Integer.parseInt(args[++i]));
                case "--chunk" -> options = options.withChunkRows(Integer.parseInt(args[++i]));
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--maintenance-work-mem" -> options = new SeedConfig(options.streams(), options.chunkRows(),
                        args[++i], options.clock());
                case "--pg" -> {
                    String[] kv = args[++i].split("=", 2);
                    pgConfig.put(kv[0], kv[1]);
                }
                default -> count = Long.parseLong(args[i].replace("_", ""));
            }
        }
        // Fixed "now" so every run generates the same rows.
        options = options.withClock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

        System.out.println(machine());
        measureGenerator(seed, Math.min(count, 200_000));

        Path dataDir = Files.createTempDirectory("hexproperty-seed-bench");
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(dataDir)
                    .setCleanDataDirectory(true);
            pgConfig.forEach(builder::setServerConfig);
            long t0 = System.nanoTime();
            try (EmbeddedPostgres pg = builder.start()) {
                String url = pg.getJdbcUrl("postgres", "postgres");
                Flyway.configure().dataSource(url, "postgres", null).load().migrate();
                System.out.printf(Locale.ROOT, "embedded PostgreSQL started and migrated in %.1f s%n",
                        (System.nanoTime() - t0) / 1e9);
                printServer(url);
                System.out.printf(Locale.ROOT, "seeding %,d listings (seed %d, %d streams, chunks of %,d rows)%n",
                        count, seed, options.streams(), options.chunkRows());
                double serverCpu0 = serverCpuSeconds(dataDir);
                double jvmCpu0 = jvmCpuSeconds();
                // CPU per phase, sampled when a phase starts: the console bar plus a sampler.
                SeedProgress console = SeedProgress.console();
                Map<SeedPhase, double[]> phaseStartCpu = new LinkedHashMap<>();
                SeedProgress sampling = (phase, done, total) -> {
                    phaseStartCpu.computeIfAbsent(phase, p -> new double[] {jvmCpuSeconds(), serverCpuSeconds(dataDir)});
                    console.onProgress(phase, done, total);
                };
                SeedReport report = new Seeder(url, "postgres", null, options).seed(count, seed, sampling);
                double jvmCpu = jvmCpuSeconds() - jvmCpu0;
                double serverCpu = serverCpuSeconds(dataDir) - serverCpu0;
                System.out.println(report.summary());
                double[] end = {jvmCpu0 + jvmCpu, serverCpu0 + serverCpu};
                List<Map.Entry<SeedPhase, double[]>> starts = List.copyOf(phaseStartCpu.entrySet());
                for (int k = 0; k < starts.size(); k++) {
                    double[] from = starts.get(k).getValue();
                    double[] to = k + 1 < starts.size() ? starts.get(k + 1).getValue() : end;
                    System.out.printf(Locale.ROOT, "  CPU %-8s JVM %6.1f s  PostgreSQL %6.1f s%n",
                            starts.get(k).getKey().name().toLowerCase(Locale.ROOT), to[0] - from[0], to[1] - from[1]);
                }
                System.out.printf(Locale.ROOT, "CPU time of the seed: JVM %.1f s + PostgreSQL %.1f s = %.1f s"
                        + " (on %d otherwise idle cores the wall time could not go below %.1f s)%n", jvmCpu, serverCpu,
                        jvmCpu + serverCpu, Runtime.getRuntime().availableProcessors(),
                        (jvmCpu + serverCpu) / Runtime.getRuntime().availableProcessors());
                printSizes(url);
                printAutovacuum(url);
            }
        } finally {
            deleteRecursively(dataDir);
        }
    }

    /** The generator and COPY encoding alone, on one thread, so the load's generate share can be judged. */
    private static void measureGenerator(long seed, long n) {
        ListingGenerator generator = ListingGenerator.create(seed, Instant.parse("2026-01-01T00:00:00Z"));
        StringBuilder sb = new StringBuilder(1 << 20);
        long bytes = 0;
        long warm = Math.min(n, 20_000);
        for (long i = 0; i < warm; i++) {
            CopyRowsAccess.appendListing(sb, generator.listing(i));
            sb.setLength(0);
        }
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
            Listing l = generator.listing(i);
            CopyRowsAccess.appendListing(sb, l);
            if (sb.length() > 1 << 19) {
                bytes += sb.toString().getBytes(StandardCharsets.UTF_8).length;
                sb.setLength(0);
            }
        }
        bytes += sb.toString().getBytes(StandardCharsets.UTF_8).length;
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "generator alone (1 thread): %,d listings in %.2f s = %,.0f listings/s,"
                + " %.0f bytes/row of COPY text%n", n, seconds, n / seconds, (double) bytes / n);
    }

    private static double jvmCpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    /**
     * CPU time of the embedded server: the postmaster and its live children, plus the children it
     * has reaped (cutime/cstime), from /proc. A contention-independent cost: on a shared machine
     * wall time says more about the neighbours than about the seed.
     */
    private static double serverCpuSeconds(Path dataDir) {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().trim());
            long ticks = cpuTicks(postmaster, true);
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path p : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                    String[] f = statFields(p.resolve("stat"));
                    if (f != null && Long.parseLong(f[1]) == postmaster) {
                        ticks += cpuTicks(Long.parseLong(p.getFileName().toString()), true);
                    }
                }
            }
            return ticks / 100.0; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static long cpuTicks(long pid, boolean withChildren) {
        String[] f = statFields(Path.of("/proc", Long.toString(pid), "stat"));
        if (f == null) {
            return 0;
        }
        // After "pid (comm)": state ppid ... utime(12) stime(13) cutime(14) cstime(15), counted from state = 0.
        long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return withChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
    }

    /** Fields of /proc/PID/stat after the command name (which may hold spaces), or null if the process is gone. */
    private static String[] statFields(Path stat) {
        try {
            String s = Files.readString(stat);
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String machine() {
        Runtime rt = Runtime.getRuntime();
        String cpu = firstLine("/proc/cpuinfo", "model name");
        String load = firstLine("/proc/loadavg", "");
        return String.format(Locale.ROOT, "machine: %d cores (%s), %,d MB max heap, %s %s, Java %s, load average %s",
                rt.availableProcessors(), cpu, rt.maxMemory() >> 20, System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.version"), load);
    }

    private static String firstLine(String file, String prefix) {
        try (Stream<String> lines = Files.lines(Path.of(file))) {
            return lines.filter(l -> l.startsWith(prefix)).findFirst()
                    .map(l -> prefix.isEmpty() ? l.trim() : l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException | UncheckedIOException e) {
            return "?";
        }
    }

    private static void printServer(String url) throws SQLException {
        query(url, """
                SELECT version(), current_setting('shared_buffers'), current_setting('max_wal_size'),
                       current_setting('synchronous_commit'), current_setting('fsync'), current_setting('wal_level')""",
                rs -> System.out.printf(Locale.ROOT, "server: %s; shared_buffers %s, max_wal_size %s,"
                        + " synchronous_commit %s, fsync %s, wal_level %s%n", rs.getString(1).replaceAll(",.*", ""),
                        rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)));
    }

    private static void printSizes(String url) throws SQLException {
        query(url, """
                SELECT (SELECT count(*) FROM listings), (SELECT count(*) FROM media),
                       pg_size_pretty(pg_table_size('listings')), pg_size_pretty(pg_indexes_size('listings')),
                       pg_size_pretty(pg_total_relation_size('media')),
                       (SELECT count(*) FROM pg_indexes WHERE tablename = 'listings')""",
                rs -> System.out.printf(Locale.ROOT, "listings: %,d rows, table %s, indexes %s (%d indexes);"
                        + " media: %,d rows, %s%n", rs.getLong(1), rs.getString(3), rs.getString(4), rs.getLong(6),
                        rs.getLong(2), rs.getString(5)));
    }

    private static void printAutovacuum(String url) throws SQLException {
        query(url, "SELECT relname, autovacuum_count, autoanalyze_count FROM pg_stat_user_tables"
                        + " WHERE relname IN ('listings', 'media') ORDER BY relname",
                rs -> System.out.printf(Locale.ROOT, "autovacuum during the seed on %s: %d vacuums, %d analyzes%n",
                        rs.getString(1), rs.getLong(2), rs.getLong(3)));
    }

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void query(String url, String sql, Row row) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                row.accept(rs);
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return; // the embedded server cleans its data directory on close
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
