package io.hexproperty.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/** The operator token: given by configuration, or generated once and kept in a private file. */
final class AdminToken {
    private AdminToken() {}

    static String resolve(String configured, Path file) throws IOException {
        if (configured != null && !configured.isBlank()) {
            if (configured.strip().length() < 16) {
                throw new StartupException("--admin-token must be at least 16 characters");
            }
            return configured.strip();
        }
        if (Files.isRegularFile(file)) {
            String saved = Files.readString(file).strip();
            if (saved.length() >= 16) {
                return saved;
            }
        }
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String token = "hxa_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Platform.writeSecret(file, token);
        return token;
    }
}
