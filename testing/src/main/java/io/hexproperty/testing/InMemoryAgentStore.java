package io.hexproperty.testing;

import io.hexproperty.domain.Agent;
import io.hexproperty.domain.port.out.AgentStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link AgentStore} in a map with the PostgreSQL store's token format ({@code hxp_} plus 32
 * random bytes in base64url) and its rule that only a SHA-256 hash of each token is kept.
 */
public final class InMemoryAgentStore implements AgentStore {
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Agent> byTokenHash = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Credentials> create(String name) {
        return create(name, Agent.Role.AGENT);
    }

    @Override
    public CompletionStage<Credentials> create(String name, Agent.Role role) {
        try {
            StringBuilder key = new StringBuilder("AG");
            for (int i = 0; i < 10; i++) {
                key.append(BASE32[random.nextInt(32)]);
            }
            Agent agent = new Agent(key.toString(), name, role);
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            String token = "hxp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            byTokenHash.put(hash(token), agent);
            return CompletableFuture.completedFuture(new Credentials(agent, token));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<Optional<Agent>> authenticate(String bearerToken) {
        if (bearerToken == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return CompletableFuture.completedFuture(Optional.ofNullable(byTokenHash.get(hash(bearerToken))));
    }

    private static String hash(String token) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
