package io.hexproperty.testing;

import static io.hexproperty.testing.Stages.await;
import static io.hexproperty.testing.Stages.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.domain.Agent;
import io.hexproperty.domain.DomainException;
import io.hexproperty.domain.port.out.AgentStore;
import io.hexproperty.domain.port.out.AgentStore.Credentials;
import org.junit.jupiter.api.Test;

/** What every {@link AgentStore} must do; extend it and return the store under test. */
public abstract class AgentStoreContract {

    protected abstract AgentStore store();

    @Test
    void createdTokenAuthenticatesItsAgent() {
        Credentials created = await(store().create("Ada Agent"));

        assertThat(created.token()).startsWith("hxp_").hasSize(4 + 43).matches("hxp_[A-Za-z0-9_-]{43}");
        assertThat(created.agent().name()).isEqualTo("Ada Agent");
        assertThat(created.agent().agentKey()).isNotBlank();
        assertThat(await(store().authenticate(created.token()))).contains(created.agent());
    }

    @Test
    void eachAgentGetsItsOwnKeyAndToken() {
        Credentials a = await(store().create("Same Name"));
        Credentials b = await(store().create("Same Name"));

        assertThat(a.agent().agentKey()).isNotEqualTo(b.agent().agentKey());
        assertThat(a.token()).isNotEqualTo(b.token());
        assertThat(await(store().authenticate(b.token()))).contains(b.agent());
    }

    @Test
    void unknownMalformedOrTamperedTokensAuthenticateNobody() {
        Credentials created = await(store().create("Grace Agent"));
        String token = created.token();
        char last = token.charAt(token.length() - 1);
        String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');

        assertThat(await(store().authenticate(tampered))).isEmpty();
        assertThat(await(store().authenticate(token.substring(4)))).isEmpty();
        assertThat(await(store().authenticate(""))).isEmpty();
        assertThat(await(store().authenticate(null))).isEmpty();
        assertThat(await(store().authenticate("hxp_' OR '1'='1"))).isEmpty();
    }

    @Test
    void unicodeNamesRoundTrip() {
        Credentials created = await(store().create("Zoë O'Connor 王"));
        assertThat(await(store().authenticate(created.token()))).map(Agent::name).contains("Zoë O'Connor 王");
    }

    @Test
    void blankNameIsRejected() {
        assertThat(failure(store().create("  "))).isInstanceOf(DomainException.class);
    }
}
