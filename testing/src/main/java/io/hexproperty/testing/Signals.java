package io.hexproperty.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends POSIX signals with {@code kill(1)}, for the failover tests and benchmarks that hang
 * (STOP/CONT) or kill (KILL) a PostgreSQL server and its backends.
 */
public final class Signals {
    private Signals() {}

    /** Signals {@code pid} and its direct children. */
    public static void signalTree(long pid, String signal) {
        signalTree(pid, signal, true);
    }

    public static void signalTree(long pid, String signal, boolean children) {
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        if (children) {
            ProcessHandle.of(pid).ifPresent(p -> p.children().forEach(c -> pids.add(c.pid())));
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(p -> command.add(Long.toString(p)));
        try {
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send SIG" + signal + " to " + pids, e);
        }
    }
}
