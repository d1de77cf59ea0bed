package io.hexproperty.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hexproperty} command line. */
@Command(name = "hexproperty", mixinStandardHelpOptions = true, version = "HexProperty 0.1.0",
        description = "The HexProperty listings platform.%n"
                + "Run the platform: ./hexproperty serve   Run the tests: ./hexproperty test",
        subcommands = {ServeCommand.class, ClusterCommand.class, GatewayCommand.class, WorkerCommand.class, SeedCommand.class, AgentCommand.class,
                CacheCommand.class, DbCommand.class, AutoscaleCommand.class, io.hexproperty.loadtest.LoadtestCommand.class, TestCommand.class,
                CapacityCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("hexproperty: " + Errors.oneLine(e));
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
