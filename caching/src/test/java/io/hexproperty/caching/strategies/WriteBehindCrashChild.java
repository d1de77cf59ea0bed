package io.hexproperty.caching.strategies;

import io.hexproperty.caching.KeyCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Runs in a child JVM for {@link JournaledWriteBehindCrashTest}: increments counters from several
 * threads forever, printing {@code ACK <key>} after each acknowledgement, until it is killed with -9.
 * Args: journal directory, sink directory, thread count.
 */
public final class WriteBehindCrashChild {

    private WriteBehindCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path journal = Path.of(args[0]);
        DirectoryBatchSink sink = new DirectoryBatchSink(Path.of(args[1]));
        int threads = Integer.parseInt(args[2]);
        WriteBehind<String> counters = WriteStrategy.writeBehind(
                WriteBehindConfig.defaults(journal, "crash").withFlush(Duration.ofMillis(20), 500)
                        .withFsync(FsyncPolicy.PERIODIC, Duration.ofMillis(5)),
                KeyCodec.utf8(), sink);
        for (int t = 0; t < threads; t++) {
            SplittableRandom random = new SplittableRandom(42 + t);
            Thread.ofPlatform().start(() -> {
                while (true) {
                    String key = "listing-" + random.nextInt(50);
                    counters.increment(key).toCompletableFuture().join();
                    synchronized (System.out) { // one whole line per ack; platform threads, no pinning concern
                        System.out.println("ACK " + key);
                        System.out.flush();
                    }
                }
            });
        }
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join();
    }
}
