package io.hexproperty.app;

import io.hexproperty.database.embedded.SecretFile;
import io.hexproperty.domain.Signer;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The deployment's server key: 32 random bytes in base64url, generated into a 0600 file on first
 * start and read by every later start and every node given the same file. Cursors and consistency
 * tokens signed with it survive restarts and are accepted by every node of the deployment.
 */
final class ServerKey {
    private ServerKey() {}

    static Signer load(Path file) throws IOException {
        String text = SecretFile.readOrCreate(file, () -> {
            byte[] key = new byte[Signer.KEY_BYTES];
            new SecureRandom().nextBytes(key);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        });
        byte[] key;
        try {
            key = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new StartupException("the server key in " + file + " is not base64url; delete the file to generate a new one"
                    + " (cursors and consistency tokens issued with the old key stop working)");
        }
        if (key.length < Signer.KEY_BYTES) {
            throw new StartupException("the server key in " + file + " has " + key.length + " bytes, fewer than "
                    + Signer.KEY_BYTES + "; delete the file to generate a new one");
        }
        return Signer.hmacSha256(key);
    }
}
