package io.hexproperty.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The folder a node keeps its own state in (warm-start snapshot, view-count journal), held with an
 * exclusive file lock for the life of the process: two nodes sharing one would restore each other's
 * snapshots and replay each other's journals. The operating system drops the lock when a process dies,
 * so a crash never leaves a stale lock behind. The lock file holds the owner's pid, for the message.
 */
final class StateDirectory implements AutoCloseable {
    private static final String LOCK_FILE = "lock";

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private StateDirectory(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates and locks {@code dir}; a {@link StartupException} (one line) when another process holds it. */
    static StateDirectory lock(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        FileChannel channel = null;
        try {
            Files.createDirectories(root);
            Path file = root.resolve(LOCK_FILE);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very JVM (another node started in-process)
            }
            if (lock == null) {
                String owner = Files.readString(file, StandardCharsets.UTF_8).strip();
                channel.close();
                throw new StartupException("state directory " + root + " is in use by another hexproperty node"
                        + (owner.isEmpty() ? "" : " (pid " + owner + ")") + "; give each node its own with --state-dir");
            }
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + System.lineSeparator())
                    .getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new StateDirectory(root, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StartupException("cannot use state directory " + root + ": " + Errors.oneLine(e)
                    + "; choose a writable one with --state-dir");
        }
    }

    Path path() {
        return dir;
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it as well
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
