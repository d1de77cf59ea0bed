package io.hexproperty.app;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A LIFO closer: resources are registered as they are opened and closed in reverse order (what was
 * opened last depends on what was opened before it, so it goes first), each once. A failure does not
 * stop the others from closing: every failure is collected, and {@link #close()} throws one
 * {@link CloseException} naming them all, each attached as a suppressed exception. Null resources
 * are skipped, so optional parts register without a branch.
 */
final class Closer implements AutoCloseable {

    /** What did not close cleanly; the causes are {@link #getSuppressed() suppressed}. */
    static final class CloseException extends RuntimeException {
        CloseException(String message) {
            super(message, null, true, false);
        }
    }

    private record Entry(String name, AutoCloseable resource) {}

    private final Deque<Entry> open = new ArrayDeque<>();

    /** Registers {@code resource} (may be null: nothing to close) and returns it. */
    synchronized <T extends AutoCloseable> T add(String name, T resource) {
        if (resource != null) {
            open.push(new Entry(name, resource));
        }
        return resource;
    }

    /**
     * Closes every registered resource, newest first; a later call closes only what was added since.
     * Throws once at the end if any failed.
     */
    @Override
    public void close() {
        List<String> failed = new ArrayList<>();
        List<Exception> causes = new ArrayList<>();
        while (true) {
            Entry next;
            synchronized (this) {
                next = open.poll();
            }
            if (next == null) {
                break;
            }
            try {
                next.resource().close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                failed.add(next.name() + " (" + Errors.oneLine(e) + ")");
                causes.add(e);
            }
        }
        if (!failed.isEmpty()) {
            CloseException e = new CloseException(failed.size() + " resource(s) did not close cleanly: "
                    + String.join("; ", failed));
            causes.forEach(e::addSuppressed);
            throw e;
        }
    }
}
