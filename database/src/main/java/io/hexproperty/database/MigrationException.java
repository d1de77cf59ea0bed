package io.hexproperty.database;

/**
 * The schema could not be brought up to date. The message is one line naming the database, the user
 * and the cause, so the CLI can print it as is (as it does the embedded server's start-up failures).
 */
public final class MigrationException extends RuntimeException {
    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
