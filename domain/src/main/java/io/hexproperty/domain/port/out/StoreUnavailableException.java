package io.hexproperty.domain.port.out;

/** The store could not answer (database down, pool exhausted, timeout). The message says which. */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
