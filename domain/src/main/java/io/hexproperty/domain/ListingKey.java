package io.hexproperty.domain;

import java.util.Objects;
import java.util.regex.Pattern;

/** The stable public identifier of a listing (RESO ListingKey). */
public record ListingKey(String value) implements Comparable<ListingKey> {
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    public ListingKey {
        Objects.requireNonNull(value, "value");
        if (!SHAPE.matcher(value).matches()) {
            throw new DomainException("listingKey", "must be 1-64 characters of letters, digits, '-' or '_'");
        }
    }

    public static ListingKey of(String value) {
        return new ListingKey(value);
    }

    public static boolean isValid(String value) {
        return value != null && SHAPE.matcher(value).matches();
    }

    @Override
    public int compareTo(ListingKey other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
