package io.hexproperty.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The hardening settings of {@code serve} (issue 9, ADR 0015).
 *
 * <table>
 * <tr><th>setting</th><th>default</th><th>why</th></tr>
 * <tr><td>serverKeyFile</td><td>{@code <data-dir parent>/server-key} ({@code var/server-key})</td><td>the HMAC key that
 * signs search cursors and consistency tokens; generated 0600 on first start; every node of a deployment
 * must use the same file (nodes on one database share {@code var/}; {@code cluster} passes its own to its workers)</td></tr>
 * <tr><td>statementTimeout</td><td>2 s</td><td>PostgreSQL statement_timeout of the API's primary pool; a cancelled
 * query answers 503 with Retry-After</td></tr>
 * <tr><td>retention</td><td>{@link io.hexproperty.database.RetentionConfig#defaults()}</td><td>how long the outbox and the applied view
 * batches are kept</td></tr>
 * </table>
 */
record SecurityConfig(Path serverKeyFile, Duration statementTimeout, io.hexproperty.database.RetentionConfig retention) {

    SecurityConfig {
        Objects.requireNonNull(statementTimeout, "statementTimeout");
        Objects.requireNonNull(retention, "retention");
        if (statementTimeout.isNegative()) {
            throw new IllegalArgumentException("--statement-timeout must be >= 0 (0 = none), got " + statementTimeout);
        }
    }

    static SecurityConfig defaults() {
        return new SecurityConfig(null, io.hexproperty.database.DatabaseConfig.DEFAULT_STATEMENT_TIMEOUT,
                io.hexproperty.database.RetentionConfig.defaults());
    }

    SecurityConfig withServerKeyFile(Path file) {
        return new SecurityConfig(file, statementTimeout, retention);
    }

    SecurityConfig withStatementTimeout(Duration value) {
        return new SecurityConfig(serverKeyFile, value, retention);
    }

    SecurityConfig withRetention(io.hexproperty.database.RetentionConfig value) {
        return new SecurityConfig(serverKeyFile, statementTimeout, value);
    }

    /** The key file: as configured, else {@code server-key} beside the demo token ({@code var/server-key}). */
    Path serverKeyFile(ServeConfig serve) {
        return serverKeyFile != null ? serverKeyFile.toAbsolutePath().normalize() : serve.demoTokenFile().resolveSibling("server-key");
    }
}
