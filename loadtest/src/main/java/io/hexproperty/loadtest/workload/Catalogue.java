package io.hexproperty.loadtest.workload;

import java.util.List;

/** What the workload knows of the live data: listings collected from the target's own API. */
public record Catalogue(List<Entry> entries) {

    /** One collected listing; city, state and cell may be null when the API omitted them. */
    record Entry(String key, String city, String state, String h3Cell7, long listPrice) {}

    public Catalogue {
        entries = List.copyOf(entries);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }
}
