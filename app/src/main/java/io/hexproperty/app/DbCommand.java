package io.hexproperty.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code hexproperty db ...}: database administration (query advice, maintenance, API plans). */
@Command(name = "db", mixinStandardHelpOptions = true,
        description = "PostgreSQL administration: index and statistics advice, maintenance, API query plans.",
        subcommands = {AdviseCommand.class, MaintainCommand.class, PlansCommand.class})
final class DbCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: " + String.join(", ", spec.subcommands().keySet()));
    }
}
