package io.hexproperty.database.ops.maintenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * What one PostgreSQL backend process has used so far, read from Linux's {@code /proc/<pid>/io} and
 * {@code /proc/<pid>/stat}: the I/O and CPU of a maintenance action are the difference of two readings
 * taken around it on the session that runs it (the backend runs nothing else meanwhile). Only possible
 * when the server runs on this machine and its processes are readable (the embedded PostgreSQL, a local
 * server of the same user); otherwise {@link #of} is empty and the action's I/O is not measured.
 * Writes the backend leaves to the background writer and checkpointer (dirty shared buffers) are not
 * in it; the WAL it writes and pages it reads and writes itself are.
 *
 * @param readBytes  bytes the backend read through read()/pread() (rchar: page-cache hits included)
 * @param writeBytes bytes it wrote through write()/pwrite() (wchar: WAL and pages)
 * @param diskReadBytes  bytes it caused to be fetched from storage (read_bytes)
 * @param diskWriteBytes bytes it caused to be sent to storage (write_bytes)
 * @param cpuSeconds user + system CPU time
 */
record BackendUsage(long readBytes, long writeBytes, long diskReadBytes, long diskWriteBytes, double cpuSeconds) {
    /** Linux USER_HZ; 100 on every mainstream kernel configuration. */
    private static final double CLOCK_TICKS = 100;

    /** The pid of the session's backend when its /proc entry is a readable PostgreSQL process, else empty. */
    static Optional<Path> locate(Statement st) {
        try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            Path proc = Path.of("/proc", Integer.toString(rs.getInt(1)));
            // A remote server's pid may name an unrelated local process: only a postgres one counts.
            String comm = Files.readString(proc.resolve("comm")).strip();
            return comm.startsWith("postgres") && Files.isReadable(proc.resolve("io")) ? Optional.of(proc) : Optional.empty();
        } catch (SQLException | IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<BackendUsage> read(Path proc) {
        try {
            long rchar = 0;
            long wchar = 0;
            long readBytes = 0;
            long writeBytes = 0;
            for (String line : Files.readAllLines(proc.resolve("io"))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                long v = Long.parseLong(line.substring(colon + 1).strip());
                switch (line.substring(0, colon)) {
                    case "rchar" -> rchar = v;
                    case "wchar" -> wchar = v;
                    case "read_bytes" -> readBytes = v;
                    case "write_bytes" -> writeBytes = v;
                    default -> { }
                }
            }
            String stat = Files.readString(proc.resolve("stat"));
            // Fields after the command name, which is in parentheses and may contain spaces.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS;
            return Optional.of(new BackendUsage(rchar, wchar, readBytes, writeBytes, cpu));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    BackendUsage minus(BackendUsage before) {
        return new BackendUsage(readBytes - before.readBytes, writeBytes - before.writeBytes,
                diskReadBytes - before.diskReadBytes, diskWriteBytes - before.diskWriteBytes, cpuSeconds - before.cpuSeconds);
    }
}
