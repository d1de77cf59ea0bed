package io.hexproperty.database.embedded;

/**
 * The database could not be brought up: the embedded server did not start, a URL was unusable, or
 * migrations failed. The message is one line that says what went wrong and how to fix it, so the
 * CLI can print it as is.
 */
public final class DatabaseStartException extends RuntimeException {
    public DatabaseStartException(String message) {
        super(message);
    }

    public DatabaseStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
