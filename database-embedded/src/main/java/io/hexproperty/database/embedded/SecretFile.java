package io.hexproperty.database.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.UUID;

/**
 * A file holding a secret (a token, a key, a password), readable by its owner only from the moment it
 * exists: it is created with mode 0600 ({@code Files.createFile} with the permissions as a creation
 * attribute), never created with the default mode and {@code chmod}-ed afterwards, which would leave
 * it world-readable for a moment. Contents are written to a fresh 0600 file beside it and then moved
 * or linked into place, so a reader sees the old secret or the new one, never half of one.
 */
public final class SecretFile {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private SecretFile() {}

    /** Writes {@code text} (plus a newline) to {@code file}, replacing what it held. */
    public static void write(Path file, String text) throws IOException {
        Path tmp = fresh(file, text);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The secret in {@code file}, creating it with {@code generated} when there is none. Two processes
     * racing to create it agree: the file appears whole (a hard link of a complete file) or not at all,
     * and the loser reads the winner's secret.
     */
    public static String readOrCreate(Path file, java.util.function.Supplier<String> generated) throws IOException {
        Optional<String> existing = read(file);
        if (existing.isPresent()) {
            return existing.get();
        }
        String secret = generated.get();
        Path tmp = fresh(file, secret);
        try {
            Files.createLink(file, tmp);
            return secret;
        } catch (FileAlreadyExistsException e) {
            return read(file).orElseThrow(() -> new IOException(file + " exists but holds no secret"));
        } catch (UnsupportedOperationException e) {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return secret;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The stripped contents of {@code file}, or empty when it does not exist or is blank. */
    public static Optional<String> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    private static Path fresh(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        Files.createFile(tmp, ownerOnly());
        Files.writeString(tmp, text + System.lineSeparator(), StandardCharsets.UTF_8);
        return tmp;
    }

    @SuppressWarnings("unchecked")
    private static FileAttribute<?>[] ownerOnly() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }
}
