package io.hexproperty.domain;

/** No listing has the given key (it never existed or was deleted). */
public final class ListingNotFoundException extends RuntimeException {
    private final ListingKey key;

    public ListingNotFoundException(ListingKey key) {
        super("no listing with ListingKey " + key, null, false, false);
        this.key = key;
    }

    public ListingKey key() {
        return key;
    }
}
