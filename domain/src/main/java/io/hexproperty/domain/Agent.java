package io.hexproperty.domain;

import java.util.Objects;

/**
 * A writer of listings: a listing agent, a broker, an operator, or an MLS feed account. Which
 * listings it may change is decided here, by its {@link Role}, and nowhere else (ADR 0015).
 */
public record Agent(String agentKey, String name, Role role) {

    /**
     * The account that owns generated and imported listings (the seeder's and any feed's): it has no
     * usable token (V60 stores a random hash), so only brokers and admins can change its listings.
     */
    public static final String MLS_FEED_KEY = "AG-MLS-FEED";

    /** What an account may do beyond creating listings and changing its own. */
    public enum Role {
        /** A listing agent: changes only the listings it owns. */
        AGENT,
        /** An MLS/feed account: owns imported listings; changes only those. */
        FEED,
        /** A broker: may change every listing, by explicit grant ({@code agent create --role broker}). */
        BROKER,
        /** An operator: may change every listing. */
        ADMIN;

        public boolean actsOnAnyListing() {
            return this == BROKER || this == ADMIN;
        }

        /** The role named {@code text} (any case), or a DomainException naming {@code role}. */
        public static Role parse(String text) {
            for (Role r : values()) {
                if (r.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
                    return r;
                }
            }
            throw new DomainException("role", "must be one of agent, feed, broker, admin");
        }
    }

    public Agent {
        Objects.requireNonNull(agentKey, "agentKey");
        name = Text.requireLine("name", name, 100);
        Objects.requireNonNull(role, "role");
    }

    /** A plain listing agent. */
    public Agent(String agentKey, String name) {
        this(agentKey, name, Role.AGENT);
    }

    /**
     * Whether this account may change or delete a listing owned by {@code ownerKey}: its own, or any
     * listing when its role says so. A listing without an owner is nobody's: only a broker or admin.
     */
    public boolean mayChangeListingOf(String ownerKey) {
        return role.actsOnAnyListing() || (ownerKey != null && ownerKey.equals(agentKey));
    }
}
