package io.hexproperty.domain;

/** Validation of free text shared by the records of this package. */
final class Text {
    private Text() {}

    static String require(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new DomainException(field, "is required");
        }
        return bounded(field, value, maxLength);
    }

    static String bounded(String field, String value, int maxLength) {
        if (value == null) {
            return null;
        }
        String trimmed = value.strip();
        if (trimmed.codePointCount(0, trimmed.length()) > maxLength) {
            throw new DomainException(field, "must be at most " + maxLength + " characters");
        }
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c == 0 || (Character.isISOControl(c) && c != '\n' && c != '\t' && c != '\r')) {
                throw new DomainException(field, "must not contain control characters");
            }
        }
        return trimmed;
    }
}
