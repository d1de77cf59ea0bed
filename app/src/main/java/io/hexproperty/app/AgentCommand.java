package io.hexproperty.app;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.Migrations;
import io.hexproperty.database.PgAgentStore;
import io.hexproperty.database.PgPools;
import io.hexproperty.domain.port.out.AgentStore;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hexproperty agent create --name ...}: an agent and its API token. */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Manages agents who may write listings.",
        subcommands = AgentCommand.Create.class)
final class AgentCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates an agent and prints its bearer token (shown once; only a hash is stored). "
                    + "Works while serve runs (attaches to its embedded PostgreSQL).")
    static final class Create implements Callable<Integer> {
        @Mixin
        DatabaseOptions db = new DatabaseOptions();

        @Option(names = "--name", required = true, description = "The agent's display name (1-100 characters).")
        String name;

        @Option(names = "--role", defaultValue = "agent",
                description = "agent (changes its own listings), broker or admin (may change every listing), feed "
                        + "(an MLS feed account) (default: ${DEFAULT-VALUE}).")
        String role;

        @Override
        public Integer call() throws Exception {
            if (name.isBlank() || name.length() > 100) {
                System.err.println("hexproperty: --name must be 1-100 characters");
                return 2;
            }
            io.hexproperty.domain.Agent.Role parsedRole;
            try {
                parsedRole = io.hexproperty.domain.Agent.Role.parse(role);
            } catch (io.hexproperty.domain.DomainException e) {
                System.err.println("hexproperty: --role must be one of agent, broker, admin, feed");
                return 2;
            }
            try (Databases.Handle database = Databases.open(db.dbUrl, db.dbUser, db.dbPassword, db.dataDir, System.err, true)) {
                Migrations.apply(database.jdbcUrl(), database.user(), database.password());
                Vertx vertx = Vertx.vertx();
                try {
                    DatabaseConfig config = database.config().withPoolSize(1);
                    Pool pool = PgPools.create(vertx, config);
                    AgentStore.Credentials created = new PgAgentStore(pool).create(name.strip(), parsedRole)
                            .toCompletableFuture().get(30, TimeUnit.SECONDS);
                    System.err.println("hexproperty: created " + created.agent().role().name().toLowerCase(java.util.Locale.ROOT)
                            + " " + created.agent().agentKey() + " (" + created.agent().name() + "); its token follows (shown once):");
                    System.out.println(created.token());
                    pool.close().await(5, TimeUnit.SECONDS);
                } finally {
                    vertx.close().await(10, TimeUnit.SECONDS);
                }
                return 0;
            }
        }
    }
}
