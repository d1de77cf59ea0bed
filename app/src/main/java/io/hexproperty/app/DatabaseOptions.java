package io.hexproperty.app;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the database is: an external URL, or the embedded PostgreSQL under a data directory. */
final class DatabaseOptions {
    @Option(names = "--db-url", paramLabel = "URL", defaultValue = "${env:HEXPROPERTY_DB_URL}",
            description = "External PostgreSQL (postgresql://user:pass@host:port/db or jdbc:postgresql://...). "
                    + "When set, no embedded PostgreSQL starts. Env: HEXPROPERTY_DB_URL.")
    String dbUrl;

    @Option(names = "--db-user", paramLabel = "USER", defaultValue = "${env:HEXPROPERTY_DB_USER:-postgres}",
            description = "Database user when the URL does not name one (default: ${DEFAULT-VALUE}).")
    String dbUser;

    @Option(names = "--db-password", paramLabel = "PASSWORD", defaultValue = "${env:HEXPROPERTY_DB_PASSWORD:-postgres}",
            description = "Database password when the URL does not name one. Env: HEXPROPERTY_DB_PASSWORD.")
    String dbPassword;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:HEXPROPERTY_DATA_DIR:-var/pg}",
            description = "Data directory of the embedded PostgreSQL (default: ${DEFAULT-VALUE}); kept between runs.")
    Path dataDir;

    boolean external() {
        return dbUrl != null && !dbUrl.isBlank();
    }
}
