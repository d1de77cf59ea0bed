package io.hexproperty.database.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk side of the embedded server: {@code <dir>/pgdata} (the cluster), {@code <dir>/postgres.log}
 * and {@code <dir>/hexproperty.lock}, held while this JVM runs the cluster so that two processes
 * never share it. Creates the cluster on first use and clears what an unclean stop left behind.
 */
final class ClusterDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterDirectory.class);
    private static final Duration ORPHAN_STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private ClusterDirectory(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Creates {@code dir} if needed, checks it is writable, makes it reachable for {@code user}, and locks it. */
    static ClusterDirectory open(Path dir, ServiceUser user) throws IOException {
        create(dir);
        user.allowTraversal(dir);
        FileChannel channel = FileChannel.open(dir.resolve("hexproperty.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new DatabaseStartException("database directory " + dir + " is in use by another running HexProperty"
                    + " process; stop it or choose another data directory");
        }
        return new ClusterDirectory(dir, channel, lock);
    }

    Path root() {
        return root;
    }

    Path pgdata() {
        return root.resolve("pgdata");
    }

    Path log() {
        return root.resolve("postgres.log");
    }

    void release() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            lockChannel.close();
        } catch (IOException e) {
            LOG.debug("closing the data directory lock failed", e);
        }
    }

    /** Runs initdb unless the cluster exists; refuses a cluster of another major version or a foreign directory. */
    void initIfNeeded(PostgresBinaries binaries, ServiceUser user) throws IOException {
        Path pgdata = pgdata();
        Path versionFile = pgdata.resolve("PG_VERSION");
        if (Files.isRegularFile(versionFile)) {
            String version = Files.readString(versionFile, StandardCharsets.US_ASCII).strip();
            if (!version.equals(EmbeddedDatabase.PG_MAJOR)) {
                throw new DatabaseStartException("database directory " + pgdata + " was created by PostgreSQL " + version
                        + " but this build runs PostgreSQL " + EmbeddedDatabase.PG_MAJOR
                        + "; move it away or choose another data directory");
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
        // Builtin C.UTF-8: Unicode-aware lower() for city matching, code-point order, and no
        // dependency on the host's installed locales.
        // scram-sha-256 with the generated superuser password (ADR 0015). initdb reads it from a file the
        // service user owns, deleted right after; the kept copy stays readable by this process's user only.
        Path pwfile = root.resolve(".initdb-pwfile");
        Files.deleteIfExists(pwfile);
        Files.createFile(pwfile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(pwfile, EmbeddedDatabase.password(root) + "\n", StandardCharsets.UTF_8);
            user.own(pwfile);
            List<String> args = List.of("-D", pgdata.toString(), "-A", "scram-sha-256", "--pwfile=" + pwfile,
                    "-U", EmbeddedDatabase.USER, "-E", "UTF8",
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
        } finally {
            Files.deleteIfExists(pwfile);
        }
        LOG.info("created PostgreSQL {} cluster in {}", EmbeddedDatabase.PG_MAJOR, pgdata);
    }

    void recoverStalePostmaster() throws IOException {
        recoverStalePostmaster(pgdata());
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
            Postmaster.signal(pid, "INT");
            try {
                handle.get().onExit().get(ORPHAN_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                Postmaster.signal(pid, "QUIT");
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

    private static void create(Path dir) {
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

    /** The last line of {@code output} containing {@code marker}, else its last non-blank line. */
    static String lastLine(String output, String marker) {
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
}
