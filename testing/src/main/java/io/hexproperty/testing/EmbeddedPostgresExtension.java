package io.hexproperty.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests one real PostgreSQL per JVM (started by the first test class that needs it, stopped
 * when the test run ends), with its schema migrated. Parameters of type {@link RunningPostgres} are
 * injected; {@link #postgres()} returns the same server.
 *
 * <p>This module cannot depend on the database module (whose tests depend on this one), so the
 * caller says how to start the server, typically in one shared constant of its test sources:
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedPostgresExtension PG = EmbeddedPostgresExtension.shared(dir -> {
 *     EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0);
 *     Migrations.apply(db.jdbcUrl(), db.user(), db.password());
 *     return RunningPostgres.of(db.url(), db.jdbcUrl(), db.user(), db.password(), db::close);
 * });
 * }</pre>
 * The first launcher to run wins; later ones reuse its server. Its data lives in a temporary
 * directory that is deleted after the run.
 */
public final class EmbeddedPostgresExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedPostgresExtension.class);

    /** Starts a server whose data lives in {@code dataDir} (an empty directory) and migrates it. */
    @FunctionalInterface
    public interface Launcher {
        RunningPostgres start(Path dataDir) throws Exception;
    }

    private static volatile Shared shared;
    private final Launcher launcher;

    private EmbeddedPostgresExtension(Launcher launcher) {
        this.launcher = Objects.requireNonNull(launcher, "launcher");
    }

    public static EmbeddedPostgresExtension shared(Launcher launcher) {
        return new EmbeddedPostgresExtension(launcher);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // The root store closes its AutoCloseable values when the whole test plan has run.
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Shared.class, k -> start(), Shared.class);
    }

    /** The shared server; starts it if no test class has yet. */
    public RunningPostgres postgres() {
        Shared s = shared;
        if (s == null) {
            s = start();
        }
        return s.postgres;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RunningPostgres.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return postgres();
    }

    private Shared start() {
        synchronized (EmbeddedPostgresExtension.class) {
            if (shared == null) {
                Path dir;
                try {
                    dir = Files.createTempDirectory("hexproperty-test-pg-");
                    shared = new Shared(launcher.start(dir), dir);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot start the test PostgreSQL: " + e.getMessage(), e);
                }
            }
            return shared;
        }
    }

    private static final class Shared implements AutoCloseable {
        private final RunningPostgres postgres;
        private final Path dir;

        Shared(RunningPostgres postgres, Path dir) {
            this.postgres = postgres;
            this.dir = dir;
        }

        @Override
        public void close() throws IOException {
            synchronized (EmbeddedPostgresExtension.class) {
                postgres.close();
                try (Stream<Path> paths = Files.walk(dir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
                shared = null;
            }
        }
    }
}
