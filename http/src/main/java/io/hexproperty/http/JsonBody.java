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
        Object parsed;
        try {
            parsed = io.vertx.core.json.Json.decodeValue(body);
        } catch (DecodeException e) {
            throw BadRequestException.parameter("body", "is not valid JSON");
        }
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
