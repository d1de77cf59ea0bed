package io.hexproperty.app;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes what was registered in reverse order of registration (what was opened last depends on
 * what was opened before it, so it goes first), each once, logging rather than propagating a
 * failure so one stuck resource does not keep the others open. Null resources are skipped.
 */
final class Closer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Closer.class);

    private record Entry(String name, AutoCloseable resource) {}

    private final Deque<Entry> open = new ArrayDeque<>();

    /** Registers {@code resource} (may be null: nothing to close) and returns it. */
    synchronized <T extends AutoCloseable> T add(String name, T resource) {
        if (resource != null) {
            open.push(new Entry(name, resource));
        }
        return resource;
    }

    /** Closes every registered resource, newest first; later calls close only what was added since. */
    @Override
    public void close() {
        while (true) {
            Entry next;
            synchronized (this) {
                next = open.poll();
            }
            if (next == null) {
                return;
            }
            try {
                next.resource().close();
            } catch (Exception e) {
                LOG.warn("{} did not close cleanly: {}", next.name(), Errors.oneLine(e));
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
