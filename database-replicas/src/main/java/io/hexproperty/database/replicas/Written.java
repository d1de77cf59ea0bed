package io.hexproperty.database.replicas;

import java.util.Objects;

/** The result of a write and the token a later read presents to see it. */
public record Written<T>(T value, ConsistencyToken token) {
    public Written {
        Objects.requireNonNull(token, "token");
    }
}
