package io.hexproperty.app;

import io.hexproperty.database.PgAgentStore;
import io.hexproperty.domain.port.out.AgentStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** On a database without agents, creates a demo agent and prints its token once. */
final class DemoAgent {
    private DemoAgent() {}

    static void ensure(PgAgentStore agents, Path tokenFile, PrintStream console) throws Exception {
        long count = agents.count().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (count > 0) {
            return;
        }
        AgentStore.Credentials demo = agents.create("Demo Agent").toCompletableFuture().get(30, TimeUnit.SECONDS);
        Platform.writeSecret(tokenFile, demo.token());
        console.println("hexproperty: demo agent token (shown once; also saved to " + tokenFile + "):");
        console.println("  " + demo.token());
        console.println("  try: curl -X PATCH -H 'Authorization: Bearer " + demo.token()
                + "' -H 'Content-Type: application/json' -d '{\"ListPrice\":350000}' http://localhost:<port>/api/v1/listings/<key>");
    }
}
