package io.hexproperty.domain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under this deployment's server key: what makes a search cursor or a consistency token
 * one that this deployment issued. Every node of a deployment loads the same key (ADR 0015), so a
 * value one node signed verifies on all of them; a client without the key cannot forge or alter one.
 *
 * <p>Signatures are the first 128 bits of the MAC in base64url (22 characters): far beyond what an
 * online guesser can try against an HTTP endpoint, and short enough for a URL parameter.
 */
public final class Signer {
    public static final int KEY_BYTES = 32;
    private static final int SIGNATURE_BYTES = 16;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    private Signer(byte[] key) {
        if (key.length < KEY_BYTES) {
            throw new IllegalArgumentException("a server key needs at least " + KEY_BYTES + " bytes, got " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    }

    /** Signs with {@code key} (at least 32 bytes, e.g. the server key file's). */
    public static Signer hmacSha256(byte[] key) {
        return new Signer(key);
    }

    /** A key of this process alone: for tests and for components used without a deployment key. */
    public static Signer random() {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return new Signer(key);
    }

    /** The signature of {@code payload}, base64url without padding. */
    public String sign(String payload) {
        byte[] mac = mac(payload);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(mac, SIGNATURE_BYTES));
    }

    /** Whether {@code signature} is this key's signature of {@code payload}, compared in constant time. */
    public boolean verifies(String payload, String signature) {
        if (payload == null || signature == null) {
            return false;
        }
        return MessageDigest.isEqual(sign(payload).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] mac(String payload) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "Signer[HmacSHA256, key hidden]";
    }
}
