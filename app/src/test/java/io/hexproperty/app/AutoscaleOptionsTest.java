package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code cluster --warm-pool}: its default, and bad values named before anything starts. */
@Tag("unit")
class AutoscaleOptionsTest {
    private static int warmPool(String... args) {
        ClusterCommand cmd = new ClusterCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.autoscale.warmPoolSize(cmd.autoscale.config(cmd.workerPoolSize));
    }

    @Test
    void oneStandbyByDefaultWhenTheClusterCanGrowNoneWhenItCannot() {
        assertThat(warmPool("--min", "1", "--max", "4")).isEqualTo(1);
        assertThat(warmPool("--min", "3", "--max", "3")).isZero();
        assertThat(warmPool("--min", "1", "--max", "4", "--warm-pool", "3")).isEqualTo(3);
        assertThat(warmPool("--min", "1", "--max", "4", "--warm-pool", "0")).isZero();
    }

    @Test
    void aPoolThatCouldNeverBeUsedOrThatBreaksTheConnectionBudgetIsRefusedByName() {
        assertThatThrownBy(() -> warmPool("--min", "1", "--max", "4", "--warm-pool", "-1"))
                .isInstanceOf(StartupException.class).hasMessage("--warm-pool: must be >= 0, was -1");
        assertThatThrownBy(() -> warmPool("--min", "1", "--max", "2", "--warm-pool", "2"))
                .hasMessage("--warm-pool: at most --max - --min = 1 standby(s) could ever be admitted, was 2");
        // 40 - 10 = 30 connections, pool 8: 3 workers; 3 min workers leave no room for a standby
        assertThatThrownBy(() -> warmPool("--min", "3", "--max", "6", "--max-connections", "40"))
                .hasMessage("--warm-pool: 3 min workers + 1 standby(s) break the connection budget (standbys hold their pools too): "
                        + "4 workers x pool 8 = 32 connections > max_connections 40 - reserve 10 = 30");
    }
}
