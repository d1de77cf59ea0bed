package io.hexproperty.balancer.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The agent over a real socket: the gateway's "stats" line, HAProxy's weight line, and drain. */
@Tag("unit")
class WorkerAgentTest {
    private static String ask(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            if (request != null) {
                s.getOutputStream().write((request + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void answersStatsWeightsAndDrain() throws Exception {
        try (WorkerAgent agent = WorkerAgent.start("127.0.0.1", 0, () -> 8)) {
            String stats = ask(agent.port(), "stats");
            assertThat(stats).matches("up \\d+% cpu=[0-9.]+ loop=[0-9.]+ waiters=8\\n");
            assertThat(agent.report().poolWaiters()).isEqualTo(8);
            // 8 waiters alone halve the weight
            assertThat(ask(agent.port(), "haproxy")).matches("up \\d+%\\n");
            int percent = Integer.parseInt(ask(agent.port(), null).replaceAll("\\D", ""));
            assertThat(percent).isBetween(1, 50);
            agent.drain();
            assertThat(ask(agent.port(), "haproxy")).isEqualTo("drain\n");
        }
    }

    @Test
    void reportsPoolInUseAndHeapOnceTheWorkerKnowsThem() throws Exception {
        java.util.concurrent.atomic.AtomicInteger inUse = new java.util.concurrent.atomic.AtomicInteger(-1);
        try (WorkerAgent agent = WorkerAgent.start("127.0.0.1", 0, () -> 0, inUse::get)) {
            assertThat(ask(agent.port(), "stats")).doesNotContain("inuse=").doesNotContain("heap=");
            assertThat(agent.report().hasUsage()).isFalse();
            inUse.set(5);
            String stats = ask(agent.port(), "stats");
            assertThat(stats).matches("up \\d+% cpu=[0-9.]+ loop=[0-9.]+ waiters=0 inuse=5 heap=\\d+\\n");
            assertThat(agent.report().heapUsedMb()).isPositive();
            assertThat(agent.report().poolInUse()).isEqualTo(5);
        }
    }
}
