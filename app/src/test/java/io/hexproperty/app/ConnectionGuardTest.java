package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.http.ConnectionGuard;
import io.hexproperty.testing.lane.Postgres;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slowloris and connection floods against a real node over loopback sockets: a header dribbled one byte at
 * a time is cut off at the header deadline, and connections beyond the per-client and total caps are
 * closed on accept while the admitted ones keep working. 127.0.0.x source addresses are distinct clients.
 */
@Postgres
class ConnectionGuardTest {
    private static TestPlatform p;
    private static Platform slowNode;
    private static Platform cappedNode;

    @BeforeAll
    static void start() {
        p = TestPlatform.get();
        slowNode = node(InputConfig.defaults().withConnections(new ConnectionGuard.Config(Duration.ofSeconds(1), 1000, 1000)));
        cappedNode = node(InputConfig.defaults().withConnections(new ConnectionGuard.Config(Duration.ofMinutes(5), 6, 4)));
    }

    @AfterAll
    static void stop() {
        if (slowNode != null) {
            slowNode.close();
        }
        if (cappedNode != null) {
            cappedNode.close();
        }
    }

    static Platform node(InputConfig input) {
        return nodeOn(p, input);
    }

    /** Another node on {@code p}'s database with its own input settings. */
    static Platform nodeOn(TestPlatform p, InputConfig input) {
        try {
            Path root = Files.createTempDirectory("hexproperty-guard");
            ServeConfig config = new ServeConfig("127.0.0.1", 0, root.resolve("pg"), p.platform.database().config().url(),
                    "postgres", "", 0, 7, false, 2, 8, Duration.ofSeconds(2), root.resolve("token"), true, null);
            Platform node = new Platform(config, new PrintStream(System.out, true)).input(input);
            try {
                node.start();
            } catch (Exception e) {
                node.close();
                throw e;
            }
            return node;
        } catch (Exception e) {
            throw new IllegalStateException("node did not start", e);
        }
    }

    @Test
    void aHeaderDribbledByteByByteIsCutOffAtTheDeadline() throws Exception {
        try (RawHttp slow = RawHttp.connect(slowNode.port(), "127.0.0.1")) {
            slow.send("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            AtomicInteger dribbled = new AtomicInteger();
            slow.send("X-Slow: ");
            // One more header byte every 100 ms, paced by a scheduler: Vert.x's idle timeout would never fire on this.
            ScheduledExecutorService attacker = Executors.newSingleThreadScheduledExecutor();
            CompletableFuture<Void> closed = new CompletableFuture<>();
            attacker.scheduleAtFixedRate(() -> {
                try {
                    slow.send("a");
                    dribbled.incrementAndGet();
                } catch (IOException e) { // the server closed the connection: what this test waits for
                    closed.complete(null);
                    throw new java.io.UncheckedIOException(e); // ends the schedule
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            try {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                        .until(() -> closed.isDone() || slow.closedByServer(10));
            } finally {
                attacker.shutdownNow();
                attacker.awaitTermination(5, TimeUnit.SECONDS);
            }
            assertThat(dribbled.get()).as("bytes were still arriving when it was closed").isPositive();
        }
        // the node serves everyone else normally
        try (RawHttp fresh = RawHttp.connect(slowNode.port(), "127.0.0.1")) {
            assertThat(fresh.exchange("GET", "/health/live", null, null).status()).isEqualTo(200);
        }
    }

    @Test
    void aConnectionThatNeverSendsARequestIsClosed() throws Exception {
        try (RawHttp idle = RawHttp.connect(slowNode.port(), "127.0.0.1")) {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> idle.closedByServer(10));
        }
    }

    @Test
    void keepAliveRequestsThatArriveInTimeAreServed() throws Exception {
        try (RawHttp c = RawHttp.connect(slowNode.port(), "127.0.0.1")) {
            for (int i = 0; i < 20; i++) {
                assertThat(c.exchange("GET", "/health/live", null, null).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void connectionsBeyondThePerClientAndTotalCapsAreClosed() throws Exception {
        int port = cappedNode.port();
        List<RawHttp> opened = new ArrayList<>();
        try {
            // client 127.0.0.1: five connections, cap four per client
            List<RawHttp> first = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                first.add(RawHttp.connect(port, "127.0.0.1"));
            }
            opened.addAll(first);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> closedCount(first) == 1);
            for (RawHttp c : first) {
                if (!c.closedByServer(1)) {
                    assertThat(c.exchange("GET", "/health/live", null, null).status()).as("admitted connection works").isEqualTo(200);
                }
            }
            assertThat(closedCount(first)).as("exactly the one beyond the per-client cap").isEqualTo(1);

            // client 127.0.0.2: two more, which brings the node to its total cap of six
            List<RawHttp> second = List.of(RawHttp.connect(port, "127.0.0.2"), RawHttp.connect(port, "127.0.0.2"));
            opened.addAll(second);
            for (RawHttp c : second) {
                assertThat(c.exchange("GET", "/health/live", null, null).status()).isEqualTo(200);
            }
            // client 127.0.0.3: under its own cap, over the total
            RawHttp third = RawHttp.connect(port, "127.0.0.3");
            opened.add(third);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> third.closedByServer(10));

            // a closed connection frees its place
            RawHttp leaving = first.stream().filter(c -> {
                try {
                    return !c.closedByServer(1);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).findFirst().orElseThrow();
            leaving.close();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
                try (RawHttp retry = RawHttp.connect(port, "127.0.0.3")) {
                    return retry.exchange("GET", "/health/live", null, null).status() == 200;
                } catch (IOException refused) {
                    return false;
                }
            });
        } finally {
            for (RawHttp c : opened) {
                c.close();
            }
        }
    }

    private static long closedCount(List<RawHttp> connections) throws IOException {
        long n = 0;
        for (RawHttp c : connections) {
            if (c.closedByServer(10)) {
                n++;
            }
        }
        return n;
    }
}
