package io.hexproperty.domain;

/**
 * A rule of the domain was broken by input. Names the offending field so that adapters can
 * tell the caller exactly what to fix.
 */
public final class DomainException extends RuntimeException {
    private final String field;

    public DomainException(String field, String reason) {
        super(field + ": " + reason, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }

    public String reason() {
        String message = getMessage();
        return message.substring(field.length() + 2);
    }
}
