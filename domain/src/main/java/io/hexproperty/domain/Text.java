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

    /**
     * A single-line field (a name, a city, an address): like {@link #require} but without any control
     * character at all, line breaks and tabs included, and without the Unicode line and paragraph
     * separators. Such values end up in e-mail headers, CSV exports, logs and HTML attributes, where a
     * CR/LF starts a new header, row or log entry. Checked before stripping, so a trailing CR/LF is
     * refused too rather than silently cut.
     */
    static String requireLine(String field, String value, int maxLength) {
        if (value != null) {
            rejectLineBreaks(field, value);
        }
        return require(field, value, maxLength);
    }

    /** {@link #requireLine} for an optional value. */
    static String boundedLine(String field, String value, int maxLength) {
        if (value != null) {
            rejectLineBreaks(field, value);
        }
        return bounded(field, value, maxLength);
    }

    private static void rejectLineBreaks(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                throw new DomainException(field, "must be a single line (no CR or LF)");
            }
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new DomainException(field, "must not contain control characters or line separators");
            }
        }
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
