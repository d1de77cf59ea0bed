package io.hexproperty.database;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL 17 server run by this JVM, with its data kept between runs.
 *
 * <p>Layout of {@code dataDir}: {@code pgdata/} (the cluster), {@code postgres.log} (the server's
 * output of the current run) and {@code hexproperty.lock} (held while a JVM runs the cluster, so
 * two processes never share it).
 *
 * <p>Built on the zonky PostgreSQL binaries but not on zonky's {@code EmbeddedPostgres}: that class
 * cannot run as root (initdb refuses), which is how containers and CI run, and it starts the server
 * through {@code pg_ctl}, which leaves an orphan when the JVM is killed. Here the server is a direct
 * child process with a parent-death signal (see {@link ServiceUser}), stopped with SIGINT (fast
 * shutdown) by {@link #close()}; a postmaster left by an unclean stop is recovered at the next start.
 *
 * <p>Settings are for a laptop-sized, single-user development server; see {@link #SETTINGS}.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

    public static final String DATABASE = "hexproperty";
    public static final String USER = "postgres";
    static final String PG_MAJOR = "17";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Server settings, passed on the command line so that a changed default applies to existing
     * data directories too. Why each differs from PostgreSQL's default:
     * <ul>
     * <li>listen_addresses 127.0.0.1, no Unix socket: a dev server must not be reachable from the
     * network, and a socket in /tmp would collide between checkouts.
     * <li>max_connections 100: pools (default 2*cores+1 each) of a few worker JVMs plus psql.
     * <li>shared_buffers 256MB, effective_cache_size 2GB: the seeded listings table and its indexes
     * stay cached on a laptop without starving the JVM.
     * <li>work_mem 8MB: sorts of a search page stay in memory; maintenance_work_mem 256MB: index
     * builds after a bulk seed run several times faster.
     * <li>synchronous_commit off: dev mode only; a crash can lose the last few hundred ms of commits,
     * never corrupts data (fsync stays on). External (production) databases keep their own setting.
     * <li>max_wal_size 2GB, checkpoint_timeout 15min: fewer checkpoints during bulk seeding.
     * <li>jit off: queries here are short OLTP lookups where JIT compilation costs more than it saves.
     * </ul>
     */
    static final Map<String, String> SETTINGS = settings();

    private final Path dataDir;
    private final int port;
    private final Process process;
    private final CompletableFuture<Integer> exit;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedDatabase(Path dataDir, int port, Process process, CompletableFuture<Integer> exit,
                             FileChannel lockChannel, FileLock lock) {
        this.dataDir = dataDir;
        this.port = port;
        this.process = process;
        this.exit = exit;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.shutdownHook = new Thread(this::close, "embedded-postgres-stop");
    }

    /**
     * Starts (creating on first use) the cluster under {@code dataDir} on {@code port} (0 picks a free
     * port), waits until it accepts connections and returns. Blocking: call it off event loops.
     *
     * @throws DatabaseStartException with a one-line reason and fix
     */
    public static EmbeddedDatabase start(Path dataDir, int port) {
        if (port < 0 || port > 65535) {
            throw new DatabaseStartException("database port must be between 0 and 65535 (0 picks a free port), not " + port);
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        long started = System.nanoTime();
        prepareDirectory(dir);
        ServiceUser user = ServiceUser.detect();
        PostgresBinaries binaries = PostgresBinaries.unpacked();
        FileChannel channel = null;
        FileLock lock = null;
        try {
            channel = FileChannel.open(dir.resolve("hexproperty.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = tryLock(channel, dir);
            Path pgdata = dir.resolve("pgdata");
            user.allowTraversal(dir);
            initIfNeeded(pgdata, binaries, user);
            recoverStalePostmaster(pgdata);
            int actualPort = port == 0 ? freePort() : port;
            Process process;
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            process = launch(binaries, user, pgdata, actualPort, dir.resolve("postgres.log"), exit);
            EmbeddedDatabase db = new EmbeddedDatabase(dir, actualPort, process, exit, channel, lock);
            try {
                db.awaitReady();
                db.prepareDatabase(binaries.hasPgStatStatements());
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
            if (!user.diesWithJvm()) {
                // Without a parent-death signal only a hook keeps the server from outliving us.
                Runtime.getRuntime().addShutdownHook(db.shutdownHook);
            }
            LOG.info("embedded PostgreSQL {} ready on 127.0.0.1:{} (data {}, running as {}) in {} ms", PG_MAJOR,
                    actualPort, dir, user.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return db;
        } catch (IOException e) {
            release(channel, lock);
            throw new DatabaseStartException("cannot start embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            release(channel, lock);
            throw e;
        }
    }

    /** JDBC URL of the {@value #DATABASE} database (no credentials; the user is {@value #USER}, no password). */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** The same database as a {@code postgresql://} URL, with the user, for {@link DatabaseConfig#of}. */
    public String url() {
        return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    /** Empty: the embedded server listens on loopback only and trusts local connections. */
    public String password() {
        return "";
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDir;
    }

    /** The postmaster's process id, for diagnostics. */
    public long postgresPid() {
        return process.pid();
    }

    /** A pool configuration for this server with the default pool settings. */
    public DatabaseConfig config() {
        return DatabaseConfig.of(url());
    }

    /**
     * Stops the server with a fast shutdown (open sessions are rolled back, data is checkpointed)
     * and waits for it to exit. Idempotent and safe to call from a shutdown hook: call it there after
     * the HTTP server has drained. Java runs shutdown hooks concurrently, so this class registers no
     * hook of its own where it does not need one: if the JVM exits without calling this, the server
     * still gets SIGINT (its parent-death signal) and shuts down cleanly by itself. Only where that
     * signal is unavailable (no util-linux setpriv) does {@link #start} register a stopping hook.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (process.isAlive()) {
                signal(process.pid(), "INT");
                if (!awaitExit(STOP_TIMEOUT)) {
                    LOG.warn("PostgreSQL did not stop within {}; sending SIGQUIT (immediate shutdown)", STOP_TIMEOUT);
                    signal(process.pid(), "QUIT");
                    if (!awaitExit(Duration.ofSeconds(5))) {
                        process.destroyForcibly();
                    }
                }
            }
            LOG.info("embedded PostgreSQL on port {} stopped", port);
        } finally {
            release(lockChannel, lock);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException | SecurityException e) {
                // Already shutting down (we may be the hook itself): nothing to unregister.
            }
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        }
    }

    private static void prepareDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (FileSystemException e) {
            String reason = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
            throw new DatabaseStartException("cannot create database directory " + dir + " (" + reason + " at "
                    + e.getFile() + "); choose a writable data directory or fix its permissions", e);
        } catch (IOException e) {
            throw new DatabaseStartException("cannot create database directory " + dir + " (" + e.getMessage()
                    + "); choose a writable data directory or fix its permissions", e);
        }
        Path probe = dir.resolve(".write-probe");
        try {
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            Files.delete(probe);
        } catch (IOException e) {
            String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.toString();
            throw new DatabaseStartException("database directory " + dir + " is not writable (" + reason
                    + "); choose a writable data directory or fix its permissions", e);
        }
    }

    private static FileLock tryLock(FileChannel channel, Path dir) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new DatabaseStartException("database directory " + dir + " is in use by another running HexProperty"
                    + " process; stop it or choose another data directory");
        }
        return lock;
    }

    private static void initIfNeeded(Path pgdata, PostgresBinaries binaries, ServiceUser user) throws IOException {
        Path versionFile = pgdata.resolve("PG_VERSION");
        if (Files.isRegularFile(versionFile)) {
            String version = Files.readString(versionFile, StandardCharsets.US_ASCII).strip();
            if (!version.equals(PG_MAJOR)) {
                throw new DatabaseStartException("database directory " + pgdata + " was created by PostgreSQL " + version
                        + " but this build runs PostgreSQL " + PG_MAJOR + "; move it away or choose another data directory");
            }
            user.own(pgdata);
            return;
        }
        if (Files.isDirectory(pgdata)) {
            try (var entries = Files.list(pgdata)) {
                if (entries.findAny().isPresent()) {
                    throw new DatabaseStartException("database directory " + pgdata + " is not empty but holds no"
                            + " PostgreSQL cluster (no PG_VERSION); move it away or choose another data directory");
                }
            }
        }
        Files.createDirectories(pgdata);
        Files.setPosixFilePermissions(pgdata, PosixFilePermissions.fromString("rwx------"));
        user.own(pgdata);
        if (!user.canWrite(pgdata)) {
            throw new DatabaseStartException("PostgreSQL runs as user '" + user.name() + "' and cannot write "
                    + pgdata + " (permissions, ACLs or mount options deny it); choose another data directory");
        }
        List<String> args = List.of("-D", pgdata.toString(), "-A", "trust", "-U", USER, "-E", "UTF8",
                "--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--lc-messages=C");
        Process initdb = new ProcessBuilder(user.command(binaries.bin("initdb"), args)).redirectErrorStream(true).start();
        String output = new String(initdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (initdb.waitFor() != 0) {
                throw new DatabaseStartException("initdb failed in " + pgdata + ": " + lastLine(output, "error"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseStartException("interrupted while creating the database cluster in " + pgdata);
        }
        LOG.info("created PostgreSQL {} cluster in {}", PG_MAJOR, pgdata);
    }

    /**
     * A postmaster.pid left behind means the last run did not stop cleanly. PostgreSQL removes the
     * file itself when its pid is dead, but refuses to start when that pid now belongs to another
     * process (pid reuse, common in containers), so the stale file is removed here. A postmaster
     * still running on this directory while we hold the lock is an orphan of a killed JVM that had no
     * parent-death signal: it is stopped (fast shutdown) before a new one starts.
     */
    static void recoverStalePostmaster(Path pgdata) throws IOException {
        Path pidFile = pgdata.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        long pid;
        try {
            pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).strip());
        } catch (NumberFormatException e) {
            pid = -1;
        }
        Optional<ProcessHandle> handle = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
        boolean postmaster = handle.filter(ProcessHandle::isAlive)
                .flatMap(h -> h.info().command())
                .filter(c -> c.endsWith("/postgres"))
                .isPresent();
        if (postmaster) {
            LOG.warn("stopping orphaned PostgreSQL (pid {}) left running on {} by an earlier run", pid, pgdata);
            signal(pid, "INT");
            try {
                handle.get().onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                signal(pid, "QUIT");
                handle.get().onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null).join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatabaseStartException("interrupted while stopping an orphaned PostgreSQL (pid " + pid + ")");
            } catch (ExecutionException e) {
                // onExit never fails; treated as exited.
            }
        } else {
            LOG.info("removing stale {} (pid {} is not a running postgres) left by an unclean stop", pidFile, pid);
        }
        Files.deleteIfExists(pidFile);
    }

    private static Process launch(PostgresBinaries binaries, ServiceUser user, Path pgdata, int port, Path log,
                                  CompletableFuture<Integer> exit) {
        List<String> args = new ArrayList<>(List.of("-D", pgdata.toString(), "-p", Integer.toString(port)));
        Map<String, String> settings = new LinkedHashMap<>(SETTINGS);
        if (binaries.hasPgStatStatements()) {
            settings.put("shared_preload_libraries", "pg_stat_statements");
        }
        settings.forEach((k, v) -> {
            args.add("-c");
            args.add(k + "=" + v);
        });
        ProcessBuilder builder = new ProcessBuilder(user.command(binaries.bin("postgres"), args))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        CompletableFuture<Process> spawned = new CompletableFuture<>();
        // The parent-death signal fires when the *thread* that forked the server ends, so the fork
        // happens on a thread that lives exactly as long as the server.
        Thread supervisor = new Thread(() -> {
            Process p;
            try {
                p = builder.start();
            } catch (IOException | RuntimeException e) {
                spawned.completeExceptionally(e);
                return;
            }
            spawned.complete(p);
            while (true) {
                try {
                    exit.complete(p.waitFor());
                    return;
                } catch (InterruptedException e) {
                    // Keep supervising: leaving early would deliver the parent-death signal.
                }
            }
        }, "embedded-postgres-" + port);
        supervisor.setDaemon(true);
        supervisor.start();
        try {
            return spawned.get();
        } catch (ExecutionException e) {
            throw new DatabaseStartException("cannot launch " + binaries.bin("postgres") + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseStartException("interrupted while launching PostgreSQL");
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (exit.isDone()) {
                throw new DatabaseStartException(startFailure());
            }
            try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
                s.execute("SELECT 1");
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                exit.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // Not exited: poll again.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatabaseStartException("interrupted while waiting for PostgreSQL to start");
            }
        }
        throw new DatabaseStartException("PostgreSQL did not accept connections within " + STARTUP_TIMEOUT.toSeconds()
                + " s (last error: " + (last == null ? "none" : last.getMessage()) + "); see " + dataDir.resolve("postgres.log"));
    }

    private String startFailure() {
        String log;
        try {
            log = Files.readString(dataDir.resolve("postgres.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            log = "";
        }
        if (log.contains("Address already in use") || log.contains("could not create any TCP/IP sockets")) {
            return "port " + port + " is already in use; choose another database port (0 picks a free one)";
        }
        return "PostgreSQL exited during start-up: " + lastLine(log, "FATAL") + " (see " + dataDir.resolve("postgres.log") + ")";
    }

    private void prepareDatabase(boolean pgStatStatements) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (SQLException e) {
            throw new DatabaseStartException("cannot create database " + DATABASE + ": " + e.getMessage(), e);
        }
        if (pgStatStatements) {
            try (Connection c = connect(DATABASE); Statement s = c.createStatement()) {
                s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            } catch (SQLException e) {
                LOG.warn("pg_stat_statements not enabled: {}", e.getMessage());
            }
        }
    }

    private Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("connectTimeout", "2");
        props.setProperty("loginTimeout", "2");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
    }

    private static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.warn("cannot send SIG{} to PostgreSQL pid {}: {}", signal, pid, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void release(FileChannel channel, FileLock lock) {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.debug("closing the data directory lock failed", e);
        }
    }

    private static String lastLine(String output, String marker) {
        String found = null;
        String lastNonBlank = "no output";
        for (String line : output.split("\n")) {
            if (!line.isBlank()) {
                lastNonBlank = line.strip();
            }
            if (line.contains(marker)) {
                found = line.strip();
            }
        }
        return found != null ? found : lastNonBlank;
    }

    private static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listen_addresses", "127.0.0.1");
        s.put("unix_socket_directories", "");
        s.put("max_connections", "100");
        s.put("shared_buffers", "256MB");
        s.put("effective_cache_size", "2GB");
        s.put("work_mem", "8MB");
        s.put("maintenance_work_mem", "256MB");
        s.put("synchronous_commit", "off");
        s.put("max_wal_size", "2GB");
        s.put("checkpoint_timeout", "15min");
        s.put("jit", "off");
        s.put("timezone", "UTC");
        s.put("log_timezone", "UTC");
        return java.util.Collections.unmodifiableMap(s);
    }
}
