package io.hexproperty.seed;

/** The steps of a seed, in order, each with the unit its progress counts. */
public enum SeedPhase {
    /** Loading the reference data and dropping the search indexes (their definitions are kept). */
    PREPARE("steps"),
    /** Generating listings and streaming them into COPY; generation overlaps the server's work. */
    COPY("rows"),
    /** Re-creating the search indexes and constraints dropped in PREPARE. */
    INDEX("indexes"),
    /** Vacuuming and analyzing the loaded tables so the planner and index-only scans see them. */
    ANALYZE("tables");

    private final String unit;

    SeedPhase(String unit) {
        this.unit = unit;
    }

    public String unit() {
        return unit;
    }
}
