package io.hexproperty.metrics;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Context switches of the whole process. Linux counts them per thread only (/proc/self/task/TID/status;
 * /proc/self/status is the main thread alone), and a thread's count vanishes when it exits. To keep the
 * sum monotone, the last count seen of each thread that has gone is kept in {@code retired}; only the
 * switches a thread made between the last read and its exit are lost.
 */
final class ThreadSwitches {
    enum Kind { VOLUNTARY, INVOLUNTARY }

    private final Path tasks;
    private Map<String, long[]> live = new HashMap<>();
    private final long[] retired = new long[2];

    ThreadSwitches(Path tasks) {
        this.tasks = tasks;
    }

    synchronized double total(Kind kind) {
        Map<String, long[]> now = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                long[] counts = read(task.resolve("status"));
                if (counts != null) {
                    now.put(task.getFileName().toString(), counts);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        for (var gone : live.entrySet()) {
            if (!now.containsKey(gone.getKey())) {
                retired[0] += gone.getValue()[0];
                retired[1] += gone.getValue()[1];
            }
        }
        live = now;
        int i = kind.ordinal();
        long sum = retired[i];
        for (long[] counts : now.values()) {
            sum += counts[i];
        }
        return sum;
    }

    private static long[] read(Path status) {
        try {
            long[] counts = {-1, -1};
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    counts[0] = Long.parseLong(line.substring(24).strip());
                } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                    counts[1] = Long.parseLong(line.substring(27).strip());
                }
            }
            return counts[0] < 0 || counts[1] < 0 ? null : counts;
        } catch (IOException | RuntimeException e) {
            return null; // the thread exited while being read
        }
    }
}
