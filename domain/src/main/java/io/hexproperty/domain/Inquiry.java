package io.hexproperty.domain;

import java.time.Instant;

/** A buyer's message to the agent of a listing, as stored. */
public record Inquiry(long id, ListingKey listingKey, String name, String email, String message, Instant createdAt) {}
