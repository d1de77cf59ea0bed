package io.hexproperty.seed;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A text progress bar with throughput and ETA. On a terminal it redraws one line with a carriage
 * return (at most ten times a second); otherwise it prints a plain line every five seconds, so a
 * log file gets a readable history instead of thousands of carriage returns.
 */
final class ConsoleProgress implements SeedProgress {
    private static final long TERMINAL_INTERVAL = 100_000_000L;
    private static final long LOG_INTERVAL = 5_000_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier nanoTime;

    private SeedPhase phase;
    private long phaseStart;
    private long lastPrint;
    private int lastWidth;
    private boolean lineOpen;

    ConsoleProgress(PrintStream out, boolean terminal, LongSupplier nanoTime) {
        this.out = out;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
    }

    @Override
    public void onProgress(SeedPhase newPhase, long done, long total) {
        long now = nanoTime.getAsLong();
        if (newPhase != phase) {
            closeLine();
            phase = newPhase;
            phaseStart = now;
            lastPrint = Long.MIN_VALUE;
        }
        boolean finished = done >= total;
        long interval = terminal ? TERMINAL_INTERVAL : LOG_INTERVAL;
        if (!finished && lastPrint != Long.MIN_VALUE && now - lastPrint < interval) {
            return;
        }
        lastPrint = now;
        String line = render(newPhase, done, total, now - phaseStart, finished);
        if (terminal) {
            int pad = Math.max(0, lastWidth - line.length());
            out.print("\r" + line + " ".repeat(pad));
            lastWidth = line.length();
            lineOpen = true;
            if (finished) {
                closeLine();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    private void closeLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
            lastWidth = 0;
        }
    }

    static String render(SeedPhase phase, long done, long total, long elapsedNanos, boolean finished) {
        double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder sb = new StringBuilder(100);
        sb.append(String.format(Locale.ROOT, "%-8s", phase.name().toLowerCase(Locale.ROOT)));
        sb.append('[').append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ");
        sb.append(String.format(Locale.ROOT, "%5.1f%%  %,d/%,d %s", fraction * 100, done, total, phase.unit()));
        if (phase == SeedPhase.COPY && rate > 0) {
            sb.append(String.format(Locale.ROOT, "  %,.0f %s/s", rate, phase.unit()));
        }
        if (finished) {
            sb.append("  done in ").append(duration(seconds));
        } else if (rate > 0 && done > 0) {
            sb.append("  ETA ").append(duration((total - done) / rate));
        } else {
            sb.append("  elapsed ").append(duration(seconds));
        }
        return sb.toString();
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
