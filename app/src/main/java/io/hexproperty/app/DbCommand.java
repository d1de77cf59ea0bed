package io.hexproperty.app;

import io.hexproperty.database.embedded.EmbeddedDatabase;
import io.hexproperty.database.embedded.EmbeddedReplicas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.hexproperty.database.replicas.ReplicaControl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hexproperty db ...}: operations on the embedded databases of a running {@code serve}.
 *
 * <p>Talks to the servers directly, found through each data directory's postmaster.pid (line 4 is
 * the port), not through the HTTP API: promotion must work when the application is the thing in
 * trouble. The running {@code serve} notices a promotion by itself: its health checker finds the
 * replica out of recovery within one poll (200 ms) and sends writes there.
 */
@Command(name = "db", mixinStandardHelpOptions = true, description = "PostgreSQL operations: replica promotion and status, index and statistics advice, maintenance, API query plans.",
        subcommands = {DbCommand.Promote.class, DbCommand.Replicas.class, AdviseCommand.class, MaintainCommand.class,
                PlansCommand.class})
final class DbCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Promotes an embedded replica to primary (pg_promote). A running serve follows it within a"
                    + " second; the former primary and the other replicas are retired until the next start.")
    static final class Promote implements Callable<Integer> {
        @Option(names = "--replica", defaultValue = "1", description = "Which replica (default: ${DEFAULT-VALUE}).")
        int replica;

        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:HEXPROPERTY_DATA_DIR:-var/pg}",
                description = "Data directory of the serve (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            Path dir = EmbeddedReplicas.directory(dataDir.toAbsolutePath().normalize(), replica);
            OptionalInt port = runningPort(dir);
            if (port.isEmpty()) {
                System.err.println("hexproperty: replica " + replica + " is not running (no live postmaster.pid in " + dir
                        + "); start serve with --replicas " + Math.max(1, replica));
                return 1;
            }
            long started = System.nanoTime();
            try (Connection c = connect(port.getAsInt(), dir)) {
                if (!ReplicaControl.inRecovery(c)) {
                    System.err.println("hexproperty: replica " + replica + " (port " + port.getAsInt() + ") is already a primary");
                    return 1;
                }
                if (!ReplicaControl.promote(c, 60)) {
                    System.err.println("hexproperty: replica " + replica + " did not finish promotion within 60 s; see "
                            + dir.resolve("postgres.log"));
                    return 1;
                }
            }
            System.out.printf("hexproperty: replica-%d (127.0.0.1:%d) promoted in %d ms; a running serve sends writes to it"
                    + " within a second%n", replica, port.getAsInt(), (System.nanoTime() - started) / 1_000_000);
            return 0;
        }
    }

    @Command(name = "replicas", mixinStandardHelpOptions = true,
            description = "Lists the embedded replicas of a data directory: port, role, replayed position, lag.")
    static final class Replicas implements Callable<Integer> {
        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:HEXPROPERTY_DATA_DIR:-var/pg}",
                description = "Data directory of the serve (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            Path root = dataDir.toAbsolutePath().normalize();
            int found = 0;
            for (int i = 1; Files.isDirectory(EmbeddedReplicas.directory(root, i)); i++) {
                found++;
                OptionalInt port = runningPort(EmbeddedReplicas.directory(root, i));
                if (port.isEmpty()) {
                    System.out.printf("replica-%d  stopped%n", i);
                    continue;
                }
                try (Connection c = connect(port.getAsInt(), EmbeddedReplicas.directory(root, i))) {
                    ReplicaControl.Status status = ReplicaControl.status(c);
                    System.out.printf("replica-%d  127.0.0.1:%d  %s  replayed %s  last replayed commit %d ms ago%n", i,
                            port.getAsInt(), status.inRecovery() ? "standby" : "PROMOTED", status.replayedLsn(),
                            status.lastReplayedCommitMillisAgo());
                } catch (SQLException e) {
                    System.out.printf("replica-%d  127.0.0.1:%d  unreachable: %s%n", i, port.getAsInt(), Errors.oneLine(e));
                }
            }
            if (found == 0) {
                System.out.println("no replicas under " + root + " (serve --replicas N creates them)");
            }
            return 0;
        }
    }

    /** The port of a live server on {@code dir}/pgdata (postmaster.pid: pid on line 1, port on line 4). */
    static OptionalInt runningPort(Path dir) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("pgdata").resolve("postmaster.pid"));
            if (lines.size() >= 4 && ProcessHandle.of(Long.parseLong(lines.get(0).strip())).map(ProcessHandle::isAlive).orElse(false)) {
                return OptionalInt.of(Integer.parseInt(lines.get(3).strip()));
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
        return OptionalInt.empty();
    }

    private static Connection connect(int port, Path dir) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", EmbeddedDatabase.USER);
        try {
            props.setProperty("password", EmbeddedDatabase.password(dir));
        } catch (IOException e) {
            throw new SQLException("cannot read the password of the embedded server in " + dir + ": " + e.getMessage(), e);
        }
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
    }
}
