package io.hexproperty.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Unit;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

@Unit
class DatabaseConfigTest {

    @Test
    void parsesAPostgresqlUrlWithCredentials() {
        DatabaseConfig c = DatabaseConfig.of("postgresql://app:s%40cret@db.internal:6432/listings?sslmode=require");

        assertThat(c.host()).isEqualTo("db.internal");
        assertThat(c.port()).isEqualTo(6432);
        assertThat(c.database()).isEqualTo("listings");
        assertThat(c.user()).isEqualTo("app");
        assertThat(c.password()).isEqualTo("s@cret");
        assertThat(c.sslMode()).isEqualTo("require");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/listings?sslmode=require");
    }

    @Test
    void parsesAJdbcUrlWithCredentialsAsParameters() {
        DatabaseConfig c = DatabaseConfig.of("jdbc:postgresql://localhost/hexproperty?user=hx&password=pw");

        assertThat(c.port()).isEqualTo(5432);
        assertThat(c.user()).isEqualTo("hx");
        assertThat(c.password()).isEqualTo("pw");
        assertThat(c.sslMode()).isEqualTo("disable");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/hexproperty");
    }

    @Test
    void explicitCredentialsOverrideTheUrlAndDefaultsApply() {
        DatabaseConfig c = DatabaseConfig.of("postgres://[::1]:5433/").withCredentials("ops", "x");

        assertThat(c.host()).isEqualTo("::1");
        assertThat(c.database()).isEqualTo("ops");
        assertThat(c.user()).isEqualTo("ops");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/ops");
        assertThat(DatabaseConfig.of("postgresql://h/db").user()).isEqualTo("postgres");
        assertThat(c.poolSize()).isEqualTo(2 * Runtime.getRuntime().availableProcessors() + 1);
        assertThat(c.maxWaitQueue()).isEqualTo(256);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mysql://h/db                          | must start with postgresql://",
            "postgresql://h:99999/db               | has port 99999 outside 1..65535",
            "postgresql://h/db?ssl=true            | has unsupported parameter 'ssl'",
            "postgresql://h/db?sslmode=maybe       | has sslmode 'maybe'",
            "postgresql://h/a/b                    | contains '/'",
            "postgresql://us er@h/db               | is not a URL",
            "postgresql://u:p%zz@h/db              | Malformed escape pair",
    })
    void badUrlsFailWithOneLineNamingTheProblem(String url, String reason) {
        assertThatThrownBy(() -> DatabaseConfig.of(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid database URL")
                .hasMessageContaining(reason)
                .hasMessageContaining("expected postgresql://user:password@host:5432/database")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void passwordsNeverAppearInMessagesOrToString() {
        assertThatThrownBy(() -> DatabaseConfig.of("postgresql://app:hunter2@h/db?ssl=1"))
                .hasMessageNotContaining("hunter2").hasMessageContaining("app:***@h");
        assertThatThrownBy(() -> DatabaseConfig.of("jdbc:postgresql://h/db?password=hunter2&x=1"))
                .hasMessageNotContaining("hunter2");
        DatabaseConfig c = DatabaseConfig.of("postgresql://app:hunter2@h/db");
        assertThat(c.toString()).doesNotContain("hunter2");
        assertThat(c.redactedUrl()).isEqualTo("postgresql://app:***@h/db");
    }

    @Test
    void poolSettingsAreValidated() {
        DatabaseConfig c = DatabaseConfig.of("postgresql://h/db");
        assertThatThrownBy(() -> c.withPoolSize(0)).hasMessageContaining("pool size must be between 1 and 1000");
        assertThatThrownBy(() -> c.withMaxWaitQueue(-1)).hasMessageContaining("wait-queue limit must be >= 0");
        assertThatThrownBy(() -> c.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("connect timeout must be positive");
    }
}
