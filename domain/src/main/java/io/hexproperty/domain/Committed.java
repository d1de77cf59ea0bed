package io.hexproperty.domain;

import java.util.Objects;
import java.util.Optional;

/**
 * The result of a write with its consistency token: an opaque position at or after the write's commit,
 * returned by the write itself (no second round trip). A read that presents it is answered by a copy of
 * the data that has applied it. Empty where the store has a single copy that every read sees.
 */
public record Committed<T>(T value, Optional<String> token) {
    /** The one name of the token wherever it travels (the HTTP header, problem details, messages). */
    public static final String TOKEN_HEADER = "X-Consistency-Token";

    public Committed {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(token, "token");
    }

    public static <T> Committed<T> withoutToken(T value) {
        return new Committed<>(value, Optional.empty());
    }
}
