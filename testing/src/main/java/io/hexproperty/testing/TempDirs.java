package io.hexproperty.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Temporary directories of tests that hold a database or a node's state (hundreds of MB each): created
 * readable by the embedded PostgreSQL (it runs as 'nobody' when tests run as root) and deleted again
 * when the test is done with them, so a day of test runs does not fill {@code /tmp}.
 */
public final class TempDirs {
    private TempDirs() {
    }

    /** A new directory under {@code java.io.tmpdir}, {@code rwxr-xr-x}. */
    public static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code dir} and everything in it; what cannot be deleted is left (best effort, never throws). */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    quietly(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) {
                    quietly(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | RuntimeException e) {
            // best effort: a file still open by a process that outlived its test stays
        }
    }

    /** Runs {@code close} and then deletes {@code dir}, at JVM exit (one hook: the delete must follow the close). */
    public static void deleteAtExit(Path dir, Runnable close) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                close.run();
            } finally {
                delete(dir);
            }
        }, "delete " + dir.getFileName()));
    }

    private static void quietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // left behind
        }
    }
}
