package io.hexproperty.domain;

import java.util.List;
import java.util.Objects;

/**
 * The response a write with an {@code Idempotency-Key} produced, kept to be replayed to a retry:
 * status, the headers that describe the result (Location, ETag, ...) as name/value pairs, and the body.
 */
public record StoredResponse(int status, List<String> headers, byte[] body) {
    public StoredResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status, was " + status);
        }
        headers = List.copyOf(headers);
        if (headers.size() % 2 != 0) {
            throw new IllegalArgumentException("headers are name/value pairs, got " + headers.size() + " strings");
        }
        body = Objects.requireNonNull(body, "body").clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
