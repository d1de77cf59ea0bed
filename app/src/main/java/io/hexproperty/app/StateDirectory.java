package io.hexproperty.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The folder a node keeps its own state in (warm-start snapshot, view-count journal), held with an
 * exclusive file lock for the life of the process: two nodes sharing one would restore each other's
 * snapshots and replay each other's journals. The operating system drops the lock when a process dies,
 * so a crash never leaves a stale lock behind. The owner's pid is written beside it ({@code owner}), for
 * the message: the lock file itself is never opened twice by one process, because POSIX drops a
 * process's lock when it closes any descriptor of that file (so nodes of one JVM are checked in memory).
 */
final class StateDirectory implements AutoCloseable {
    private static final String LOCK_FILE = "lock";
    private static final String OWNER_FILE = "owner";
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

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
        if (!HELD_HERE.add(root)) {
            throw inUse(root); // another node of this very JVM
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(root);
            channel = FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                HELD_HERE.remove(root);
                throw inUse(root);
            }
            Files.writeString(root.resolve(OWNER_FILE), ProcessHandle.current().pid() + System.lineSeparator());
            return new StateDirectory(root, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            HELD_HERE.remove(root);
            throw new StartupException("cannot use state directory " + root + ": " + Errors.oneLine(e)
                    + "; choose a writable one with --state-dir");
        }
    }

    private static StartupException inUse(Path root) {
        String owner;
        try {
            owner = Files.readString(root.resolve(OWNER_FILE), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            owner = "";
        }
        return new StartupException("state directory " + root + " is in use by another hexproperty node"
                + (owner.isEmpty() ? "" : " (pid " + owner + ")") + "; give each node its own with --state-dir");
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
        HELD_HERE.remove(dir);
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
