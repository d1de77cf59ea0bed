package io.hexproperty.database.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
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
    private static final Duration POLL = Duration.ofMillis(50);

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

    /**
     * The superuser's password, generated on first start into {@code <dataDir>/postgres-password}
     * (0600, {@link SecretFile}). The server authenticates every connection with scram-sha-256 (ADR 0015):
     * with trust, any local user of the machine was the superuser.
     */
    public static final String PASSWORD_FILE = "postgres-password";

    private final ClusterDirectory directory;
    private final int port;
    private final String password;
    private final Postmaster postmaster;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedDatabase(ClusterDirectory directory, int port, Postmaster postmaster, String password) {
        this.directory = directory;
        this.port = port;
        this.password = password;
        this.postmaster = postmaster;
        this.shutdownHook = new Thread(this::close, "embedded-postgres-stop");
    }

    /**
     * Starts (creating on first use) the cluster under {@code dataDir} on {@code port} (0 picks a free
     * port), waits until it accepts connections and returns. Blocking: call it off event loops.
     *
     * @throws DatabaseStartException with a one-line reason and fix
     */
    public static EmbeddedDatabase start(Path dataDir, int port) {
        return launch(dataDir, port, ClusterDirectory::initIfNeeded, Map.of(), true);
    }

    /** How a cluster directory gets its data before the server starts (initdb, or a base backup for a replica). */
    @FunctionalInterface
    interface Provisioner {
        void provision(ClusterDirectory directory, PostgresBinaries binaries, ServiceUser user) throws IOException;
    }

    /**
     * The start sequence shared by primaries and {@link EmbeddedReplicas}: lock the directory,
     * provision it, launch the postmaster with {@link #SETTINGS} plus {@code extraSettings}, wait for
     * connections and, when {@code prepare}, create the application database (not on a standby).
     */
    static EmbeddedDatabase launch(Path dataDir, int port, Provisioner provisioner, Map<String, String> extraSettings,
                                   boolean prepare) {
        return launch(dataDir, port, provisioner, extraSettings, prepare, EmbeddedDatabase::freePort);
    }

    /** How many ports a start with port 0 tries when another process takes the chosen one before the postmaster binds it. */
    static final int PORT_ATTEMPTS = 5;

    /** A port source that may fail (a test hands out a taken port first). */
    @FunctionalInterface
    interface PortChooser {
        int next() throws IOException;
    }

    /**
     * With port 0, {@code freePorts} chooses the port: it is free when chosen and closed again, and the postmaster
     * binds it a moment later, so another process (another test's server) may take it in between. The postmaster
     * then exits with "Address already in use", and the start is repeated on another port, up to
     * {@value #PORT_ATTEMPTS} times. An explicit port is tried once.
     */
    static EmbeddedDatabase launch(Path dataDir, int port, Provisioner provisioner, Map<String, String> extraSettings,
                                   boolean prepare, PortChooser freePorts) {
        if (port < 0 || port > 65535) {
            throw new DatabaseStartException("database port must be between 0 and 65535 (0 picks a free port), not " + port);
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        long started = System.nanoTime();
        ServiceUser user = ServiceUser.detect();
        ClusterDirectory directory;
        try {
            directory = ClusterDirectory.open(dir, user);
        } catch (IOException e) {
            throw new DatabaseStartException("cannot use database directory " + dir + ": " + e.getMessage()
                    + "; choose a writable data directory or fix its permissions", e);
        }
        try {
            PostgresBinaries binaries = PostgresBinaries.unpacked();
            String password = password(dir);
            provisioner.provision(directory, binaries, user);
            directory.recoverStalePostmaster();
            Map<String, String> settings = new LinkedHashMap<>(SETTINGS);
            settings.putAll(extraSettings);
            EmbeddedDatabase db;
            for (int attempt = 1; ; attempt++) {
                int actualPort = port == 0 ? freePorts.next() : port;
                Postmaster postmaster = Postmaster.launch(binaries, user, directory.pgdata(), actualPort, settings, directory.log());
                db = new EmbeddedDatabase(directory, actualPort, postmaster, password);
                try {
                    db.awaitReady();
                    break;
                } catch (RuntimeException e) {
                    if (port != 0 || attempt == PORT_ATTEMPTS || !db.lostPort()) {
                        db.close();
                        throw attempt == 1 ? e : new DatabaseStartException(e.getMessage() + " (attempt " + attempt + " of "
                                + PORT_ATTEMPTS + "; each earlier one lost its port to another process)", e);
                    }
                    postmaster.stop(STOP_TIMEOUT); // it has exited; the directory stays ours for the next attempt
                    LOG.warn("embedded PostgreSQL: port {} was taken before the server bound it; starting on another port", actualPort);
                }
            }
            try {
                db.requirePasswords();
                if (prepare) {
                    db.prepareDatabase(binaries.hasPgStatStatements());
                }
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
            if (!user.diesWithJvm()) {
                // Without a parent-death signal only a hook keeps the server from outliving us.
                Runtime.getRuntime().addShutdownHook(db.shutdownHook);
            }
            LOG.info("embedded PostgreSQL {} ready on 127.0.0.1:{} (data {}, running as {}) in {} ms", PG_MAJOR,
                    db.port, dir, user.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return db;
        } catch (IOException e) {
            directory.release();
            throw new DatabaseStartException("cannot start embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            directory.release();
            throw e;
        }
    }

    /** JDBC URL of the {@value #DATABASE} database (no credentials: pass {@link #user()} and {@link #password()}). */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /**
     * The same database as a {@code postgresql://} URL with the user and password, for {@code DatabaseConfig.of}.
     * It holds the password: never log it or put it on a command line ({@link #urlWithoutPassword()}).
     */
    public String url() {
        return "postgresql://" + USER + ":" + password + "@127.0.0.1:" + port + "/" + DATABASE;
    }

    /** The URL without credentials (for command lines and logs; the password travels separately). */
    public String urlWithoutPassword() {
        return "postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    /** The superuser's generated password (from {@value #PASSWORD_FILE} in the data directory). */
    public String password() {
        return password;
    }

    /**
     * The password of the embedded server whose data directory is {@code dataDir}, created when there is
     * none yet (a server started later initialises its cluster with it). Tools that attach to a running
     * {@code serve} read it here.
     */
    public static String password(Path dataDir) throws IOException {
        return SecretFile.readOrCreate(dataDir.toAbsolutePath().normalize().resolve(PASSWORD_FILE), () -> {
            byte[] bytes = new byte[24];
            new java.security.SecureRandom().nextBytes(bytes);
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        });
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return directory.root();
    }

    /** The postmaster's process id, for diagnostics. */
    public long postgresPid() {
        return postmaster.pid();
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
            postmaster.stop(STOP_TIMEOUT);
            LOG.info("embedded PostgreSQL on port {} stopped", port);
        } finally {
            directory.release();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException | SecurityException e) {
                // Already shutting down (we may be the hook itself): nothing to unregister.
            }
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (postmaster.exited()) {
                throw new DatabaseStartException(startFailure());
            }
            try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
                s.execute("SELECT 1");
                return;
            } catch (SQLException e) {
                last = e;
            }
            postmaster.awaitExit(POLL);
            if (Thread.currentThread().isInterrupted()) {
                throw new DatabaseStartException("interrupted while waiting for PostgreSQL to start");
            }
        }
        throw new DatabaseStartException("PostgreSQL did not accept connections within " + STARTUP_TIMEOUT.toSeconds()
                + " s (last error: " + (last == null ? "none" : last.getMessage()) + "); see " + directory.log());
    }

    /** True when the postmaster exited because it could not bind its port (its log is this launch's only). */
    private boolean lostPort() {
        return postmaster.exited() && portInUse(log());
    }

    private static boolean portInUse(String log) {
        return log.contains("Address already in use") || log.contains("could not create any TCP/IP sockets");
    }

    private String log() {
        try {
            return Files.readString(directory.log(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private String startFailure() {
        String log = log();
        if (portInUse(log)) {
            return "port " + port + " is already in use; choose another database port (0 picks a free one)";
        }
        return "PostgreSQL exited during start-up: " + ClusterDirectory.lastLine(log, "FATAL") + " (see " + directory.log() + ")";
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

    /**
     * A cluster created before passwords (initdb -A trust) is moved to scram-sha-256 at its first start
     * with this version: the superuser gets the generated password and pg_hba.conf's trust entries become
     * scram-sha-256, then the configuration is reloaded. Data stays as it is. On a standby the role is
     * already changed by the primary's WAL; only its pg_hba.conf is rewritten.
     */
    private void requirePasswords() {
        Path hba = directory.pgdata().resolve("pg_hba.conf");
        try {
            java.util.List<String> lines = Files.readAllLines(hba, StandardCharsets.UTF_8);
            boolean trusting = lines.stream().anyMatch(l -> !l.strip().startsWith("#") && l.strip().matches(".*\\strust$"));
            if (!trusting) {
                return;
            }
            try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
                var rs = s.executeQuery("SELECT pg_is_in_recovery()");
                rs.next();
                if (!rs.getBoolean(1)) {
                    s.execute("SET password_encryption = 'scram-sha-256'");
                    // base64url text: nothing in it needs quoting
                    s.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
                }
                java.util.List<String> rewritten = lines.stream()
                        .map(l -> l.strip().startsWith("#") ? l : l.replaceAll("\\strust\\s*$", " scram-sha-256")).toList();
                Files.write(hba, rewritten, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
                s.execute("SELECT pg_reload_conf()");
            }
            LOG.info("embedded PostgreSQL in {} now requires the password in {} (scram-sha-256 instead of trust)",
                    directory.root(), directory.root().resolve(PASSWORD_FILE));
        } catch (IOException | SQLException e) {
            throw new DatabaseStartException("cannot move the embedded PostgreSQL in " + directory.root()
                    + " from trust to password authentication: " + e.getMessage(), e);
        }
    }

    private Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "2");
        props.setProperty("loginTimeout", "2");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
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
