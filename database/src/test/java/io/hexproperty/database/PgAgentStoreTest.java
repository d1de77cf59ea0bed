package io.hexproperty.database;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.domain.port.out.AgentStore;
import io.hexproperty.testing.AgentStoreContract;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

@Postgres
class PgAgentStoreTest extends AgentStoreContract {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = TestPostgres.EXTENSION;

    private final PgAgentStore store = new PgAgentStore(TestPostgres.pool());

    @Override
    protected AgentStore store() {
        return store;
    }
}
