package io.hexproperty.testing;

/** Closing what a test started, in the order given, skipping what never started. */
public final class Teardown {
    private Teardown() {
    }

    /**
     * Closes every non-null resource in order (front to back: the caller lists the outermost first, e.g.
     * admin port, gateway, pool); a failure does not stop the rest, and the first one is thrown at the end.
     */
    public static void closeAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
