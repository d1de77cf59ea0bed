package io.hexproperty.domain;

import java.time.Instant;

/**
 * One committed change of a listing, in commit order. {@code sequence} is gap-free per database
 * (the outbox id); {@code version} is the listing's version after the change (for a delete, one past
 * the last version, so a tombstone outranks every earlier read).
 */
public record ListingChange(long sequence, ListingKey listingKey, long version, Kind kind, String city,
                            String state, long h3r7, Instant committedAt) {
    public enum Kind { UPSERT, DELETE }
}
