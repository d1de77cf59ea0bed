package io.hexproperty.app;

import io.hexproperty.domain.Agent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Base64;

/**
 * Accounts for tests, created straight in a platform's database the way {@code agent create --role}
 * stores them (SHA-256 of an {@code hxp_} token). Since V60 the seeded listings belong to the MLS feed
 * account, so tests that change seeded listings write as a broker.
 */
final class TestAgents {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestAgents() {}

    static String broker(Platform platform) {
        return create(platform, Agent.Role.BROKER);
    }

    /** A new account with {@code role}; returns its bearer token. */
    static String create(Platform platform, Agent.Role role) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = "hxp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String key = "AGT" + Long.toUnsignedString(RANDOM.nextLong(), 36).toUpperCase(java.util.Locale.ROOT);
        var db = platform.database();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO agents (agent_key, name, token_hash, role) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, key);
            insert.setString(2, "Test " + role.name().toLowerCase(java.util.Locale.ROOT));
            insert.setBytes(3, MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
            insert.setString(4, role.name());
            insert.executeUpdate();
            return token;
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a test " + role + " account", e);
        }
    }
}
