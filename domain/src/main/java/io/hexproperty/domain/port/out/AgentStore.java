package io.hexproperty.domain.port.out;

import io.hexproperty.domain.Agent;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Agents and their API tokens. Only a hash of each token is stored. */
public interface AgentStore {

    /** Creates an agent and returns it with its new bearer token (shown once, never stored). */
    CompletionStage<Credentials> create(String name);

    /** Creates an account with {@code role}: brokers and admins may change every listing (ADR 0015). */
    default CompletionStage<Credentials> create(String name, Agent.Role role) {
        if (role != Agent.Role.AGENT) {
            return java.util.concurrent.CompletableFuture.failedFuture(
                    new UnsupportedOperationException(getClass().getSimpleName() + " keeps no roles"));
        }
        return create(name);
    }

    CompletionStage<Optional<Agent>> authenticate(String bearerToken);

    record Credentials(Agent agent, String token) {}
}
