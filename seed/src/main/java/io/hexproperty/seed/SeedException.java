package io.hexproperty.seed;

/** A seed failed; says in which phase and how far it had come, so the operator knows what the database holds. */
public final class SeedException extends RuntimeException {
    private final SeedPhase phase;
    private final long rowsLoaded;

    public SeedException(SeedPhase phase, long rowsLoaded, String message, Throwable cause) {
        super("seed failed in phase " + phase + " with " + rowsLoaded + " listings loaded: " + message, cause);
        this.phase = phase;
        this.rowsLoaded = rowsLoaded;
    }

    public SeedPhase phase() {
        return phase;
    }

    public long rowsLoaded() {
        return rowsLoaded;
    }
}
