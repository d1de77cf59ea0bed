package io.hexproperty.seed;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.function.LongSupplier;

/**
 * Receives the progress of a seed. The seeder calls it from one thread at a time (never
 * concurrently), at least once at the start and once at the end of every phase.
 */
@FunctionalInterface
public interface SeedProgress {

    /** {@code done} of {@code total} units of {@code phase} are finished. */
    void onProgress(SeedPhase phase, long done, long total);

    static SeedProgress none() {
        return (phase, done, total) -> { };
    }

    /**
     * A progress bar on standard output: one line rewritten in place on a terminal, plain lines
     * every few seconds when the output is a file or a pipe (logs stay readable).
     */
    static SeedProgress console() {
        return console(System.out, isTerminal(), System::nanoTime);
    }

    static SeedProgress console(PrintStream out, boolean terminal, LongSupplier nanoTime) {
        return new ConsoleProgress(out, terminal, nanoTime);
    }

    /**
     * Whether standard output is a terminal. Java 22 made {@code System.console()} non-null even
     * when redirected and added {@code Console.isTerminal()} to tell; on 21 the null check is the answer.
     */
    private static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
