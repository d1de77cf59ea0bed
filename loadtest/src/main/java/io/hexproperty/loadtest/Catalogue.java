package io.hexproperty.loadtest;

import java.util.List;

/** What the workload knows of the live data: listings collected from the target's own API. */
record Catalogue(List<Entry> entries) {

  /** One collected listing; city, state and cell may be null when the API omitted them. */
  record Entry(String key, String city, String state, String h3Cell7, long listPrice) {}

  Catalogue {
    entries = List.copyOf(entries);
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }
}
