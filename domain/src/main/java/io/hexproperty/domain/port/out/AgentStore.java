package io.hexproperty.domain.port.out;

import io.hexproperty.domain.Agent;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Agents and their API tokens. Only a hash of each token is stored. */
public interface AgentStore {

    /** Creates an agent and returns it with its new bearer token (shown once, never stored). */
    CompletionStage<Credentials> create(String name);

    CompletionStage<Optional<Agent>> authenticate(String bearerToken);

    record Credentials(Agent agent, String token) {}
}
