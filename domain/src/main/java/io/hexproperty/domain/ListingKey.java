package io.hexproperty.domain;

import java.util.Objects;

/** The stable public identifier of a listing (RESO ListingKey). */
public record ListingKey(String value) implements Comparable<ListingKey> {

    public ListingKey {
        Objects.requireNonNull(value, "value");
        if (!isValid(value)) {
            throw new DomainException("listingKey", "must be 1-64 characters of letters, digits, '-' or '_'");
        }
    }

    public static ListingKey of(String value) {
        return new ListingKey(value);
    }

    /** 1-64 letters, digits, '-' or '_', starting with a letter or digit; no regex: it runs on every request. */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && (i == 0 || (c != '-' && c != '_'))) {
                return false;
            }
        }
        return true;
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
