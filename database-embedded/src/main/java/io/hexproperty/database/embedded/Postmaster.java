package io.hexproperty.database.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server process, a direct child of this JVM.
 *
 * <p>The parent-death signal that {@link ServiceUser} arranges fires when the <em>thread</em> that
 * forked the server ends, so the fork happens on a dedicated thread that then waits for the server
 * and lives exactly as long as it does.
 */
final class Postmaster {
    private static final Logger LOG = LoggerFactory.getLogger(Postmaster.class);

    private final Process process;
    private final CompletableFuture<Integer> exit;

    private Postmaster(Process process, CompletableFuture<Integer> exit) {
        this.process = process;
        this.exit = exit;
    }

    static Postmaster launch(PostgresBinaries binaries, ServiceUser user, Path pgdata, int port,
                             Map<String, String> settings, Path log) {
        List<String> args = new ArrayList<>(List.of("-D", pgdata.toString(), "-p", Integer.toString(port)));
        Map<String, String> all = new LinkedHashMap<>(settings);
        if (binaries.hasPgStatStatements()) {
            all.put("shared_preload_libraries", "pg_stat_statements");
        }
        all.forEach((k, v) -> {
            args.add("-c");
            args.add(k + "=" + v);
        });
        ProcessBuilder builder = new ProcessBuilder(user.command(binaries.bin("postgres"), args))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        CompletableFuture<Process> spawned = new CompletableFuture<>();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread supervisor = new Thread(() -> {
            Process p;
            try {
                p = builder.start();
            } catch (IOException | RuntimeException e) {
                spawned.completeExceptionally(e);
                return;
            }
            spawned.complete(p);
            while (true) {
                try {
                    exit.complete(p.waitFor());
                    return;
                } catch (InterruptedException e) {
                    // Keep supervising: leaving early would deliver the parent-death signal.
                }
            }
        }, "embedded-postgres-" + port);
        supervisor.setDaemon(true);
        supervisor.start();
        try {
            return new Postmaster(spawned.get(), exit);
        } catch (ExecutionException e) {
            throw new DatabaseStartException("cannot launch " + binaries.bin("postgres") + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseStartException("interrupted while launching PostgreSQL");
        }
    }

    long pid() {
        return process.pid();
    }

    boolean exited() {
        return exit.isDone();
    }

    /** Waits up to {@code timeout} for the process to exit; true if it has. */
    boolean awaitExit(Duration timeout) {
        try {
            exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        }
    }

    /** Fast shutdown (SIGINT: sessions rolled back, data checkpointed), then immediate, then kill. */
    void stop(Duration timeout) {
        if (!process.isAlive()) {
            return;
        }
        signal(process.pid(), "INT");
        if (!awaitExit(timeout)) {
            LOG.warn("PostgreSQL did not stop within {}; sending SIGQUIT (immediate shutdown)", timeout);
            signal(process.pid(), "QUIT");
            if (!awaitExit(Duration.ofSeconds(5))) {
                process.destroyForcibly();
            }
        }
    }

    /** Java can send only SIGTERM and SIGKILL, and SIGTERM is PostgreSQL's wait-for-clients shutdown. */
    static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.warn("cannot send SIG{} to PostgreSQL pid {}: {}", signal, pid, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
