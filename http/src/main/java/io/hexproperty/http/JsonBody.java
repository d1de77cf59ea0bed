package io.hexproperty.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;

/**
 * A request body parsed as a JSON object with strict field typing: unknown fields, wrong types,
 * fractions where whole numbers are expected and out-of-range numbers are all rejected by name.
 */
final class JsonBody {
    private final JsonObject json;

    private JsonBody(JsonObject json) {
        this.json = json;
    }

    static JsonBody parse(Buffer body, Set<String> allowed, Set<String> readOnly) {
        if (body == null || body.length() == 0) {
            throw BadRequestException.parameter("body", "is empty; a JSON object is required");
        }
        Object parsed = strict(body);
        if (!(parsed instanceof JsonObject object)) {
            throw BadRequestException.parameter("body", "must be a JSON object");
        }
        for (String name : object.fieldNames()) {
            if (readOnly.contains(name)) {
                throw BadRequestException.parameter(name, "cannot be changed");
            }
            if (!allowed.contains(name)) {
                throw BadRequestException.parameter(name, "is not a known field; known: " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        return new JsonBody(object);
    }

    /**
     * Parses stricter than {@code Json.decodeValue}: Vert.x's shared factory accepts comments and keeps
     * the last of duplicate keys, and Jackson's byte decoder takes overlong UTF-8 sequences. Two parsers
     * that disagree about one body (a proxy or WAF reading the first {@code "City"}, this server the
     * last) are a smuggling hazard, so the body is decoded by the JDK's strict UTF-8 decoder first and
     * any duplicate key is an error.
     */
    static Object strict(Buffer body) {
        String text;
        try {
            text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body.getBytes())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw BadRequestException.parameter("body", "is not valid UTF-8 (overlong, truncated or surrogate sequences are refused)");
        }
        try (com.fasterxml.jackson.core.JsonParser parser = STRICT.createParser(text)) {
            return io.vertx.core.json.jackson.JacksonCodec.fromParser(parser, Object.class);
        } catch (DecodeException | java.io.IOException e) {
            String message = String.valueOf(e.getMessage());
            java.util.regex.Matcher duplicate = DUPLICATE.matcher(message);
            if (duplicate.find()) {
                String field = SearchParameters.clip(duplicate.group(1));
                throw BadRequestException.parameter(field, "appears more than once in the body");
            }
            if (message.contains("comment")) {
                throw BadRequestException.parameter("body", "is not valid JSON: comments are not allowed");
            }
            throw BadRequestException.parameter("body", "is not valid JSON");
        }
    }

    private static final java.util.regex.Pattern DUPLICATE = java.util.regex.Pattern.compile("Duplicate field '([^']*)'");
    private static final com.fasterxml.jackson.core.JsonFactory STRICT = com.fasterxml.jackson.core.JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .disable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_YAML_COMMENTS)
            .disable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_TRAILING_COMMA)
            .disable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .disable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
            .build();

    boolean has(String name) {
        return json.containsKey(name);
    }

    String text(String name, boolean required) {
        Object v = value(name, required);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw BadRequestException.parameter(name, "must be a string");
        }
        return s;
    }

    Boolean flag(String name) {
        Object v = value(name, false);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Boolean b)) {
            throw BadRequestException.parameter(name, "must be true or false");
        }
        return b;
    }

    Long whole(String name, boolean required, long min, long max) {
        Object v = value(name, required);
        if (v == null) {
            return null;
        }
        long n;
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            n = ((Number) v).longValue();
        } else if (v instanceof BigInteger) {
            throw BadRequestException.parameter(name, "must be between " + min + " and " + max);
        } else if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            double d = ((Number) v).doubleValue();
            if (d != Math.rint(d) || !Double.isFinite(d)) {
                throw BadRequestException.parameter(name, "must be a whole number");
            }
            if (d < min || d > max) {
                throw BadRequestException.parameter(name, "must be between " + min + " and " + max);
            }
            n = (long) d;
        } else {
            throw BadRequestException.parameter(name, "must be a number");
        }
        if (n < min || n > max) {
            throw BadRequestException.parameter(name, "must be between " + min + " and " + max);
        }
        return n;
    }

    Integer wholeInt(String name, boolean required, int max) {
        Long v = whole(name, required, 0, max);
        return v == null ? null : v.intValue();
    }

    Double decimal(String name, boolean required, double min, double max) {
        Object v = value(name, required);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || v instanceof BigInteger) {
            throw BadRequestException.parameter(name, "must be a number");
        }
        double d = n.doubleValue();
        if (!Double.isFinite(d) || d < min || d > max) {
            throw BadRequestException.parameter(name, "must be between " + min + " and " + max);
        }
        return d;
    }

    private Object value(String name, boolean required) {
        if (!json.containsKey(name)) {
            if (required) {
                throw BadRequestException.parameter(name, "is required");
            }
            return null;
        }
        Object v = json.getValue(name);
        if (v == null) {
            throw BadRequestException.parameter(name, "must not be null");
        }
        return v;
    }
}
