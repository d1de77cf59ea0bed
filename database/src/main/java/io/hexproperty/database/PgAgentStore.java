package io.hexproperty.database;

import io.hexproperty.domain.Agent;
import io.hexproperty.domain.port.out.AgentStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Agents and their bearer tokens in PostgreSQL. A token is {@code hxp_} plus 32 random bytes in
 * base64url (256 bits: unguessable, so a fast unsalted SHA-256 is the right hash, unlike for
 * passwords); only the hash is stored, and authentication is one indexed lookup by hash. The
 * prefix lets secret scanners recognise leaked tokens and lets us reject junk without a query.
 */
public final class PgAgentStore implements AgentStore {
    static final String TOKEN_PREFIX = "hxp_";
    private static final int TOKEN_BYTES = 32;
    private static final int TOKEN_LENGTH = TOKEN_PREFIX.length() + 43;
    private static final String INSERT = "INSERT INTO agents (agent_key, name, token_hash, role) VALUES ($1, $2, $3, $4)";
    private static final String BY_HASH = "SELECT agent_key, name, role FROM agents WHERE token_hash = $1";

    private final Pool pool;

    public PgAgentStore(Pool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /** How many accounts other than feeds exist (serve creates a demo agent when there are none). */
    public CompletionStage<Long> count() {
        return pool.query("SELECT count(*) FROM agents WHERE role <> 'FEED'").execute()
                .map(rows -> rows.iterator().next().getLong(0)).toCompletionStage();
    }

    @Override
    public CompletionStage<Credentials> create(String name) {
        return create(name, Agent.Role.AGENT);
    }

    @Override
    public CompletionStage<Credentials> create(String name, Agent.Role role) {
        Agent agent;
        try {
            agent = new Agent(Keys.next("AG"), name, role);
        } catch (RuntimeException e) {
            return Future.<Credentials>failedFuture(e).toCompletionStage();
        }
        String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(Keys.bytes(TOKEN_BYTES));
        return port(pool.preparedQuery(INSERT)
                .execute(Tuple.of(agent.agentKey(), agent.name(), Buffer.buffer(hash(token)), agent.role().name()))
                .map(new Credentials(agent, token)));
    }

    @Override
    public CompletionStage<Optional<Agent>> authenticate(String bearerToken) {
        if (bearerToken == null || bearerToken.length() != TOKEN_LENGTH || !bearerToken.startsWith(TOKEN_PREFIX)) {
            return Future.succeededFuture(Optional.<Agent>empty()).toCompletionStage();
        }
        return port(pool.preparedQuery(BY_HASH).execute(Tuple.of(Buffer.buffer(hash(bearerToken)))).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return Optional.<Agent>empty();
            }
            Row r = it.next();
            return Optional.of(new Agent(r.getString(0), r.getString(1), Agent.Role.valueOf(r.getString(2))));
        }));
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private <T> CompletionStage<T> port(Future<T> future) {
        return future.recover(e -> Future.failedFuture(PgErrors.toPort(e, pool))).toCompletionStage();
    }
}
