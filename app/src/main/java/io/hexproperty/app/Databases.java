package io.hexproperty.app;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.embedded.DatabaseStartException;
import io.hexproperty.database.embedded.EmbeddedDatabase;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * Opens the database a command runs on: the external one named by a URL, or the embedded one under
 * the data directory. Commands other than {@code serve} attach to the embedded server of a running
 * {@code serve} (found through its postmaster.pid) instead of failing on the directory lock.
 */
final class Databases {
    private Databases() {}

    /** A reachable database and how to close what was opened for it. */
    record Handle(DatabaseConfig config, AutoCloseable owned) implements AutoCloseable {
        String jdbcUrl() {
            return config.jdbcUrl();
        }

        String user() {
            return config.user();
        }

        String password() {
            return config.password();
        }

        @Override
        public void close() {
            if (owned != null) {
                try {
                    owned.close();
                } catch (Exception e) {
                    System.err.println("hexproperty: database did not stop cleanly: " + Errors.oneLine(e));
                }
            }
        }
    }

    static Handle open(String dbUrl, String user, String password, Path dataDir, PrintStream console,
                       boolean attachToRunning) {
        if (dbUrl != null && !dbUrl.isBlank()) {
            DatabaseConfig config;
            try {
                config = DatabaseConfig.of(dbUrl.strip());
            } catch (IllegalArgumentException e) {
                throw new StartupException("--db-url is not usable: " + e.getMessage());
            }
            if (!dbUrl.contains("@") && !dbUrl.contains("user=")) {
                config = config.withCredentials(user, password);
            }
            checkReachable(config);
            return new Handle(config, null);
        }
        if (attachToRunning) {
            Integer port = runningPort(dataDir);
            if (port != null) {
                String generated;
                try {
                    generated = EmbeddedDatabase.password(dataDir);
                } catch (IOException e) {
                    throw new StartupException("cannot read the embedded database's password in " + dataDir + ": " + e.getMessage());
                }
                return new Handle(DatabaseConfig.of("postgresql://127.0.0.1:" + port + "/" + EmbeddedDatabase.DATABASE)
                        .withCredentials(EmbeddedDatabase.USER, generated), null);
            }
        }
        console.println("hexproperty: starting embedded PostgreSQL (data in " + dataDir.toAbsolutePath().normalize() + ")");
        try {
            EmbeddedDatabase db = EmbeddedDatabase.start(dataDir, 0);
            return new Handle(DatabaseConfig.of(db.url()), db);
        } catch (DatabaseStartException e) {
            throw new StartupException(e.getMessage());
        }
    }

    /** The port of a live embedded server in {@code dataDir} (postmaster.pid line 4), or null. */
    private static Integer runningPort(Path dataDir) {
        Path pid = dataDir.resolve("pgdata").resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pid);
            if (lines.size() < 4) {
                return null;
            }
            long processId = Long.parseLong(lines.get(0).strip());
            if (ProcessHandle.of(processId).map(ProcessHandle::isAlive).orElse(false)) {
                return Integer.parseInt(lines.get(3).strip());
            }
        } catch (IOException | NumberFormatException e) {
            return null;
        }
        return null;
    }

    private static void checkReachable(DatabaseConfig config) {
        Properties props = new Properties();
        props.setProperty("user", config.user());
        props.setProperty("password", config.password());
        props.setProperty("connectTimeout", "5");
        props.setProperty("loginTimeout", "10");
        try (Connection ignored = DriverManager.getConnection(config.jdbcUrl(), props)) {
            // reachable and the credentials work
        } catch (SQLException e) {
            throw new StartupException("cannot connect to the database at " + config.redactedUrl() + ": "
                    + Errors.oneLine(e) + "; check --db-url / HEXPROPERTY_DB_URL and that PostgreSQL is running");
        }
    }
}
