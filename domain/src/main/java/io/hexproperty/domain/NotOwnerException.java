package io.hexproperty.domain;

/** An agent tried to change a listing that another agent owns. */
public final class NotOwnerException extends RuntimeException {
    public NotOwnerException(ListingKey key, String agentKey) {
        super("agent " + agentKey + " does not own listing " + key, null, false, false);
    }
}
