package io.hexproperty.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.RunningPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Postgres
class MigrationsTest {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = TestPostgres.EXTENSION;

    @Test
    void applyingAgainIsANoOp(RunningPostgres pg) {
        assertThat(Migrations.apply(pg.jdbcUrl(), pg.user(), pg.password())).isZero();
        assertThat(Migrations.apply(DatabaseConfig.of(pg.url()))).isZero();
    }

    @Test
    void unreachableDatabaseFailsWithOneClearLine() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String url = "postgresql://app:hunter2@127.0.0.1:" + closedPort + "/nowhere";

        assertThatThrownBy(() -> Migrations.apply(url, null, null))
                .isInstanceOf(MigrationException.class)
                .hasMessageStartingWith("cannot migrate database postgresql://app:***@127.0.0.1:" + closedPort + "/nowhere as user app: ")
                .hasMessageContaining("refused")
                .hasMessageNotContaining("hunter2")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
