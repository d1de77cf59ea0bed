package io.hexproperty.app;

import io.hexproperty.database.PgAgentStore;
import io.hexproperty.domain.port.out.AgentStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * On a database without agents, creates a demo agent and saves its token in a 0600 file. Only the
 * file's path is printed: a token in the console ends up in terminal scrollback, CI logs and log
 * shippers, where anyone who reads logs could write listings with it.
 */
final class DemoAgent {
    private DemoAgent() {}

    static void ensure(PgAgentStore agents, Path tokenFile, PrintStream console) throws Exception {
        long count = agents.count().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (count > 0) {
            return;
        }
        AgentStore.Credentials demo = agents.create("Demo Agent").toCompletableFuture().get(30, TimeUnit.SECONDS);
        Platform.writeSecret(tokenFile, demo.token());
        console.println("hexproperty: demo agent created; its token is in " + tokenFile + " (readable by this user only)");
        console.println("  try: curl -X POST -H \"Authorization: Bearer $(cat " + tokenFile
                + ")\" -H 'Content-Type: application/json' -d '{...}' http://localhost:<port>/api/v1/listings");
    }
}
