package io.hexproperty.domain.port.in;

import io.hexproperty.domain.Agent;
import io.hexproperty.domain.port.out.AgentStore;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Who a bearer token belongs to: the use case inbound adapters authenticate writes with. */
@FunctionalInterface
public interface AgentAuthentication {

    /** The agent holding {@code bearerToken}, or empty when no agent does. */
    CompletionStage<Optional<Agent>> authenticate(String bearerToken);

    /** Authentication against the agents an {@link AgentStore} keeps. */
    static AgentAuthentication by(AgentStore agents) {
        java.util.Objects.requireNonNull(agents, "agents");
        return agents::authenticate;
    }
}
