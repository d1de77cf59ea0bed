package io.hexproperty.database.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Postgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Postgres
class EmbeddedDatabaseTest {
    private static final Duration PROCESS_EXIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void keepsDataAcrossStopAndStartAndStopsItsServer() throws Exception {
        long firstPid;
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
            firstPid = db.postgresPid();
            execute(db, "CREATE TABLE kept (v text)", "INSERT INTO kept VALUES ('survives a restart')");
        }
        assertThat(isRunning(firstPid)).isFalse();

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
            assertThat(queryOne(db, "SELECT v FROM kept")).isEqualTo("survives a restart");
            assertThat(db.dataDirectory()).isEqualTo(dir.toAbsolutePath().normalize());
        }
    }

    /**
     * Port 0: the port is chosen free, closed, and bound by the postmaster a moment later; another process may take
     * it in between. Forced here: the first port handed out is held by a listening socket.
     */
    @Test
    void aStartThatLostItsChosenPortStartsOnAnother() throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int taken = squatter.getLocalPort();
            java.util.concurrent.atomic.AtomicInteger handedOut = new java.util.concurrent.atomic.AtomicInteger();
            EmbeddedDatabase.PortChooser ports = () -> {
                if (handedOut.getAndIncrement() == 0) {
                    return taken;
                }
                try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    return free.getLocalPort();
                }
            };
            try (EmbeddedDatabase db = EmbeddedDatabase.launch(dir, 0, ClusterDirectory::initIfNeeded, java.util.Map.of(), true, ports)) {
                assertThat(handedOut).hasValue(2);
                assertThat(db.port()).isNotEqualTo(taken);
                assertThat(queryOne(db, "SELECT 1")).isEqualTo("1");
            }
            // an explicit port is the caller's choice: tried once, and the failure says why
            assertThatThrownBy(() -> EmbeddedDatabase.start(dir, taken)).isInstanceOf(DatabaseStartException.class)
                    .hasMessageContaining("port " + taken + " is already in use");
        }
    }

    @Test
    void dataDirectoryMayLieInsideAPrivateDirectory() throws Exception {
        // @TempDir is 0700; when the JVM is root the server runs as nobody and must still reach it.
        Path nested = dir.resolve("private/pg");
        Files.createDirectories(dir.resolve("private"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));

        try (EmbeddedDatabase db = EmbeddedDatabase.start(nested, 0)) {
            assertThat(queryOne(db, "SELECT 1")).isEqualTo("1");
        }
    }

    @Test
    void anOrphanedPostmasterOnTheDirectoryIsStoppedBeforeANewStart() throws Exception {
        // An orphan: a server still running on the directory while nobody holds it (a JVM that died
        // where no parent-death signal exists). Here: a server whose owner has not closed it.
        EmbeddedDatabase orphan = EmbeddedDatabase.start(dir, 0);
        long pid = orphan.postgresPid();

        ClusterDirectory.recoverStalePostmaster(dir.resolve("pgdata"));

        assertThat(isRunning(pid)).isFalse();
        assertThat(dir.resolve("pgdata/postmaster.pid")).doesNotExist();
        orphan.close();
    }

    @Test
    void closeIsIdempotent() {
        EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0);
        long pid = db.postgresPid();
        db.close();
        db.close();
        assertThat(isRunning(pid)).isFalse();
    }

    @Test
    void runsWithTheDevelopmentSettingsAndPgStatStatements() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
            assertThat(queryOne(db, "SHOW max_connections")).isEqualTo("100");
            assertThat(queryOne(db, "SHOW synchronous_commit")).isEqualTo("off");
            assertThat(queryOne(db, "SHOW fsync")).isEqualTo("on");
            assertThat(queryOne(db, "SHOW server_version")).startsWith("17.");
            // zonky's binaries ship contrib; the store's queries become visible to operators.
            assertThat(queryOne(db, "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'")).isEqualTo("1");
            assertThat(queryOne(db, "SELECT lower('ÄÖÜ São')")).isEqualTo("äöü são");
        }
    }

    @Test
    void serverRunsInASessionOfItsOwnSoATerminalCtrlCReachesOnlyTheJvm() throws IOException {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
            assertThat(session(db.postgresPid())).isEqualTo(db.postgresPid()).isNotEqualTo(session(ProcessHandle.current().pid()));
        }
    }

    @Test
    void unwritableDataDirectoryFailsWithOneClearLine() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        Path target = file.resolve("pg");

        assertThatThrownBy(() -> EmbeddedDatabase.start(target, 0))
                .isInstanceOf(DatabaseStartException.class)
                .hasMessageContaining(target.toString())
                .hasMessageContaining("choose a writable data directory or fix its permissions")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void directoryHoldingSomethingElseIsNotTakenOver() throws IOException {
        Files.createDirectories(dir.resolve("pgdata"));
        Files.writeString(dir.resolve("pgdata/notes.txt"), "mine");

        assertThatThrownBy(() -> EmbeddedDatabase.start(dir, 0))
                .isInstanceOf(DatabaseStartException.class)
                .hasMessageContaining("is not empty but holds no PostgreSQL cluster");
        assertThat(dir.resolve("pgdata/notes.txt")).hasContent("mine");
    }

    @Test
    void busyPortFailsWithOneClearLine() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedDatabase.start(dir, port))
                    .isInstanceOf(DatabaseStartException.class)
                    .hasMessage("port " + port + " is already in use; choose another database port (0 picks a free one)");
        }
    }

    @Test
    void secondServerOnTheSameDirectoryIsRefused() {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
            assertThatThrownBy(() -> EmbeddedDatabase.start(dir, 0))
                    .isInstanceOf(DatabaseStartException.class)
                    .hasMessageContaining("is in use by another running HexProperty process");
            assertThat(isRunning(db.postgresPid())).isTrue();
        }
    }

    @Test
    void stalePidFileNamingAnotherProcessIsRemoved() throws Exception {
        EmbeddedDatabase.start(dir, 0).close();
        // After a crash the recorded pid may since belong to an unrelated process (here: this JVM).
        Path pidFile = dir.resolve("pgdata/postmaster.pid");
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n" + dir.resolve("pgdata") + "\n");

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
            assertThat(queryOne(db, "SELECT 1")).isEqualTo("1");
        }
    }

    @Test
    void recoversAfterThePostmasterWasKilled() throws Exception {
        EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0);
        execute(db, "CREATE TABLE crash (v int)", "INSERT INTO crash VALUES (42)", "CHECKPOINT");
        long pid = db.postgresPid();
        new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
        await().atMost(PROCESS_EXIT).until(() -> !isRunning(pid));
        db.close();
        assertThat(dir.resolve("pgdata/postmaster.pid")).exists();

        try (EmbeddedDatabase again = EmbeddedDatabase.start(dir, 0)) {
            assertThat(queryOne(again, "SELECT v FROM crash")).isEqualTo("42");
        }
    }

    @Test
    void serverOfAJvmKilledWithSigkillShutsItselfDown() throws Exception {
        Process child = startChild();
        long postgres = awaitReady(child);

        child.destroyForcibly();

        await().atMost(PROCESS_EXIT).until(() -> !isRunning(postgres));
        assertThat(Files.readString(dir.resolve("postgres.log"))).contains("database system is shut down");
        try (EmbeddedDatabase again = EmbeddedDatabase.start(dir, 0)) {
            assertThat(queryOne(again, "SELECT 1")).isEqualTo("1");
        }
    }

    @Test
    void serverOfAJvmStoppedWithSigtermIsShutDownBeforeTheJvmExits() throws Exception {
        Process child = startChild();
        long postgres = awaitReady(child);

        child.destroy();

        assertThat(child.waitFor()).isNotZero();
        assertThat(isRunning(postgres)).isFalse();
        assertThat(Files.readString(dir.resolve("postgres.log"))).contains("database system is shut down");
        assertThat(dir.resolve("pgdata/postmaster.pid")).doesNotExist();
    }

    private Process startChild() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                EmbeddedDatabaseChild.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static long awaitReady(Process child) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("READY ")) {
                return Long.parseLong(line.substring(6).strip());
            }
        }
        throw new AssertionError("child JVM exited before its database was ready (exit " + child.exitValue() + ")");
    }

    /** The session id from /proc/<pid>/stat (fields after the command name: state, ppid, pgrp, session). */
    private static long session(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[3]);
    }

    private static boolean isRunning(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void execute(EmbeddedDatabase db, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement()) {
            for (String sql : List.of(statements)) {
                s.execute(sql);
            }
        }
    }

    private static String queryOne(EmbeddedDatabase db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
