package io.hexproperty.testing.browser;

/** A browser command failed; the message names the command and the page state that explains it. */
public final class BrowserException extends RuntimeException {
    public BrowserException(String message) {
        super(message);
    }

    public BrowserException(String message, Throwable cause) {
        super(message, cause);
    }
}
