package io.hexproperty.testing;

import java.util.Objects;

/** A PostgreSQL server started for tests, with its schema migrated. */
public interface RunningPostgres extends AutoCloseable {

    /** {@code postgresql://user@host:port/database} (credentials may be in it). */
    String url();

    String jdbcUrl();

    String user();

    String password();

    /** Stops the server; idempotent. */
    @Override
    void close();

    static RunningPostgres of(String url, String jdbcUrl, String user, String password, Runnable stop) {
        Objects.requireNonNull(stop, "stop");
        return new RunningPostgres() {
            @Override public String url() { return url; }
            @Override public String jdbcUrl() { return jdbcUrl; }
            @Override public String user() { return user; }
            @Override public String password() { return password; }
            @Override public void close() { stop.run(); }
            @Override public String toString() { return "RunningPostgres[" + jdbcUrl + "]"; }
        };
    }
}
