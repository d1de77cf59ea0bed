package io.hexproperty.database;

import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the Flyway migrations in {@code db/migration} (pgjdbc, blocking: run it off event loops,
 * before the pools open).
 */
public final class Migrations {
    private Migrations() {}

    /**
     * Brings the schema up to date and returns how many migrations ran (0 when it already was).
     * {@code url} may be a {@code jdbc:postgresql://} or a {@code postgresql://} URL.
     *
     * @throws MigrationException one line naming the database and the cause
     */
    public static int apply(String url, String user, String password) {
        return apply(DatabaseConfig.of(url).withCredentials(user, password));
    }

    public static int apply(DatabaseConfig config) {
        try {
            MigrateResult result = Flyway.configure()
                    .dataSource(config.jdbcUrl(), config.user(), config.password())
                    .locations("classpath:db/migration")
                    .connectRetries(0)
                    .load()
                    .migrate();
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            throw new MigrationException("cannot migrate database " + config.redactedUrl() + " as user "
                    + config.user() + ": " + rootCause(e), e);
        }
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t instanceof SQLException) {
                break;
            }
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.strip().lines().findFirst().orElse(message);
    }
}
