package io.hexproperty.database.replicas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.database.DatabaseConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

@Unit
class ReadStrategyTest {
    private final Node a = node("replica-1", Duration.ZERO);
    private final Node b = node("replica-2", Duration.ofSeconds(3));

    @Test
    void roundRobinTakesEachReplicaInTurn() {
        ReadStrategy strategy = ReadStrategy.roundRobin();
        assertThat(List.of(pick(strategy), pick(strategy), pick(strategy), pick(strategy))).containsExactly(a, b, a, b);
        assertThat(strategy.choose(List.of())).isEmpty();
    }

    @Test
    void leastOutstandingAvoidsTheBusyReplica() {
        a.run(CompletableFuture::new);
        ReadStrategy strategy = ReadStrategy.leastOutstanding();
        for (int i = 0; i < 4; i++) {
            assertThat(pick(strategy)).isSameAs(b);
        }
    }

    @Test
    void lagAwareSkipsAReplicaBehindTheBound() {
        ReadStrategy strategy = ReadStrategy.lagAware(Duration.ofSeconds(1));
        for (int i = 0; i < 4; i++) {
            assertThat(pick(strategy)).isSameAs(a);
        }
        assertThat(ReadStrategy.lagAware(Duration.ofSeconds(5)).choose(List.of(b))).contains(b);
        assertThat(strategy.choose(List.of(b))).as("nobody within the bound: the primary").isEmpty();
    }

    @Test
    void tokensParseAndPrintInPostgresNotation() {
        ConsistencyToken token = ConsistencyToken.parse("16/B374D848");
        assertThat(token.lsn()).isEqualTo(0x16B374D848L);
        assertThat(token).hasToString("16/B374D848");
        assertThat(token.reachedBy(0x16B374D848L)).isTrue();
        assertThat(token.reachedBy(0x16B374D847L)).isFalse();
        assertThatThrownBy(() -> ConsistencyToken.parse("yesterday")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("X-Consistency-Token");
    }

    private Node pick(ReadStrategy strategy) {
        return strategy.choose(List.of(a, b)).orElseThrow();
    }

    private static Node node(String name, Duration lag) {
        Node node = new Node(name, DatabaseConfig.of("postgresql://postgres@127.0.0.1:5432/x"), null, Node.Role.REPLICA);
        node.gate(new NodeGate(name, 4, 4, Duration.ofSeconds(1), null, () -> 0,
                io.micrometer.core.instrument.Timer.builder("w").register(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
                System::nanoTime));
        node.markUp(0, lag);
        return node;
    }
}
