package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.database.embedded.EmbeddedDatabase;
import io.hexproperty.database.Migrations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import io.hexproperty.testing.lane.Postgres;
import org.junit.jupiter.api.Test;

/**
 * Each node owns its state folder: a second node (in another process or in this one) refuses a folder
 * that a running node holds, with one line and a non-zero exit; a warm-start snapshot saved against one
 * database is refused, never loaded, by a node on another database.
 */
@Postgres
class NodeStateTest {

    @Test
    void aSecondProcessRefusesAStateDirectoryInUseWithOneLineAndANonZeroExit() throws Exception {
        TestPlatform p = TestPlatform.get();
        Path root = Files.createTempDirectory("hexproperty-state");
        Path state = root.resolve("node-state");
        Platform first = p.startNode(UnaryOperator.identity(), c -> c.withStateDir(state));
        try {
            assertThat(state.resolve("owner")).content().contains(Long.toString(ProcessHandle.current().pid()));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process second = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "io.hexproperty.app.Main", "serve", "--host", "127.0.0.1", "--port", "0", "--no-seed",
                    "--data-dir", root.resolve("pg").toString(), "--db-url", p.platform.database().config().url(),
                    "--state-dir", state.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(root.resolve("stderr").toFile()).start();
            boolean exited = second.waitFor(90, TimeUnit.SECONDS);
            if (!exited) {
                second.destroyForcibly().waitFor();
            }
            String stderr = Files.readString(root.resolve("stderr"));
            assertThat(exited).as("the second process stopped by itself; stderr: " + stderr).isTrue();
            assertThat(second.exitValue()).isNotZero();
            List<String> ours = stderr.lines().filter(l -> l.startsWith("hexproperty:")).toList();
            assertThat(ours).hasSize(1);
            assertThat(ours.getFirst()).contains("state directory " + state.toAbsolutePath().normalize())
                    .contains("in use by another hexproperty node (pid " + ProcessHandle.current().pid() + ")")
                    .contains("--state-dir");
            assertThat(stderr).doesNotContain("\tat ");

            // In this JVM too (another node started in-process), with the same one-line message.
            assertThatThrownBy(() -> p.startNode(UnaryOperator.identity(), c -> c.withStateDir(state)))
                    .rootCause().isInstanceOf(StartupException.class).hasMessageContaining("is in use by another hexproperty node");
        } finally {
            first.close();
        }
        // Released at close: the folder can be taken over.
        p.startNode(UnaryOperator.identity(), c -> c.withStateDir(state)).close();
    }

    @Test
    void aWarmStartSnapshotOfAnotherDatabaseIsRefusedWithoutBeingLoaded() throws Exception {
        TestPlatform p = TestPlatform.get();
        Path root = Files.createTempDirectory("hexproperty-snapshot");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path state = root.resolve("state");
        Path snapshot = state.resolve("cache").resolve("listings");
        List<String> keys = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=5&sort=price_desc&minPrice=1"))
                .stream().map(j -> j.getString("ListingKey")).toList();
        String firstDatabase;
        try (Platform first = new Platform(config(root, p.platform.database().config().url(), state), console(new ByteArrayOutputStream())).start()) {
            for (String key : keys) {
                assertThat(p.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + first.port() + "/api/v1/listings/" + key)).GET()).statusCode()).isEqualTo(200);
            }
            firstDatabase = Files.readString(state.resolve("cache").resolve("listings.database")).strip();
        }
        assertThat(entries(snapshot)).as("snapshot saved at close").hasSizeGreaterThanOrEqualTo(keys.size());

        EmbeddedDatabase other = EmbeddedDatabase.start(root.resolve("other-pg"), 0);
        try {
            Migrations.apply(other.jdbcUrl(), other.user(), other.password());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (Platform second = new Platform(config(root, other.url(), state), console(out)).start()) {
                String printed = out.toString(StandardCharsets.UTF_8);
                assertThat(printed).contains("was saved against database " + firstDatabase).contains("not loaded");
                assertThat(printed).doesNotContain("warm start: " + keys.size() + " listings restored");
                assertThat(entries(snapshot)).as("the other database's entries are gone, unread").isEmpty();
                assertThat(Files.readString(state.resolve("cache").resolve("listings.database")).strip())
                        .isNotEqualTo(firstDatabase).matches("[0-9]+");
            }
        } finally {
            other.close();
        }
    }

    private static ServeConfig config(Path root, String dbUrl, Path state) {
        return new ServeConfig("127.0.0.1", 0, root.resolve("pg"), dbUrl, "postgres", "", 0, 7, false, 2, 8,
                Duration.ofSeconds(2), root.resolve("token"), true, null).withStateDir(state);
    }

    private static PrintStream console(ByteArrayOutputStream out) {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    private static List<Path> entries(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".entry")).toList();
        }
    }
}
