package io.hexproperty.http;

/**
 * A minimal JSON writer for the hot path: listings are encoded straight into a StringBuilder with
 * no intermediate tree, which is several times cheaper than building a JsonObject first.
 */
final class JsonText {
    private final StringBuilder out;
    private boolean first = true;

    JsonText(StringBuilder out) {
        this.out = out;
    }

    JsonText begin() {
        out.append('{');
        first = true;
        return this;
    }

    JsonText end() {
        out.append('}');
        first = false;
        return this;
    }

    JsonText name(String name) {
        if (!first) {
            out.append(',');
        }
        first = false;
        out.append('"').append(name).append("\":");
        return this;
    }

    JsonText field(String name, String value) {
        name(name);
        if (value == null) {
            out.append("null");
        } else {
            string(out, value);
        }
        return this;
    }

    JsonText field(String name, long value) {
        name(name).out.append(value);
        return this;
    }

    JsonText field(String name, double value) {
        name(name).out.append(value);
        return this;
    }

    JsonText raw(String name, String json) {
        name(name).out.append(json);
        return this;
    }

    /** Appends a JSON string literal, escaping per RFC 8259 (and '<' '>' '&' so it is safe in HTML). */
    static void string(StringBuilder out, String s) {
        out.append('"');
        // Most values (keys, cities, remarks) need no escape: copy them whole, one bulk append.
        int first = firstToEscape(s);
        if (first == s.length()) {
            out.append(s).append('"');
            return;
        }
        out.append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> unicode(out, c);
                default -> {
                    if (c < 0x20) {
                        unicode(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static int firstToEscape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                return i;
            }
        }
        return s.length();
    }

    private static void unicode(StringBuilder out, char c) {
        out.append("\\u");
        String hex = Integer.toHexString(c);
        for (int i = hex.length(); i < 4; i++) {
            out.append('0');
        }
        out.append(hex);
    }
}
