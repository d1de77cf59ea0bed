package io.hexproperty.app;

/** A startup failure whose message is already the one line to show (what is wrong, what to do). */
final class StartupException extends RuntimeException {
    StartupException(String message) {
        super(message, null, false, false);
    }
}
