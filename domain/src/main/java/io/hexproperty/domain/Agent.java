package io.hexproperty.domain;

/** A listing agent (or an MLS feed) allowed to write listings. */
public record Agent(String agentKey, String name) {
    public Agent {
        name = Text.requireLine("name", name, 100);
    }
}
