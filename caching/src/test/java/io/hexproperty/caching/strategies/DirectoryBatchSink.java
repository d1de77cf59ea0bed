package io.hexproperty.caching.strategies;

import io.hexproperty.caching.strategies.WriteBehindSink.FlushBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A durable, id-recording sink for tests: one file per batch id, written atomically; a batch whose id
 * is already recorded is acknowledged without being applied again (as a database sink would do with an
 * applied_batches table).
 */
final class DirectoryBatchSink implements WriteBehindSink<String> {

    private final Path directory;
    int duplicates;

    DirectoryBatchSink(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
    }

    @Override
    public CompletionStage<Void> apply(FlushBatch<String> batch) {
        Path file = directory.resolve(batch.id().replace(':', '_') + ".batch");
        try {
            if (Files.exists(file)) {
                duplicates++;
                return CompletableFuture.completedFuture(null);
            }
            String body = batch.deltas().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("\n"));
            Path tmp = directory.resolve(file.getFileName() + ".tmp");
            Files.writeString(tmp, body, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return CompletableFuture.completedFuture(null);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    Map<String, Long> totals() {
        Map<String, Long> totals = new HashMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".batch")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        int eq = line.lastIndexOf('=');
                        totals.merge(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)), Long::sum);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return totals;
    }

    long batches() {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.toString().endsWith(".batch")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
