package io.hexproperty.app;

import io.hexproperty.testing.lane.Postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Metrics and admin live on the management port only; the public port serves API, page and health
 * (issue 9, item 10).
 */
@Postgres
class ManagementPortTest {
    private final TestPlatform p = TestPlatform.get();

    @Test
    void metricsAndAdminAreNotOnThePublicPort() {
        assertThat(p.get("/metrics").statusCode()).isEqualTo(404);
        assertThat(p.send("POST", "/admin/cache/invalidate", "{\"all\":true}", "Content-Type", "application/json")
                .statusCode()).isEqualTo(404);
        assertThat(p.get("/admin/db/slow").statusCode()).isEqualTo(404);
        assertThat(p.get("/health/ready").statusCode()).isEqualTo(200);
        assertThat(p.get("/api/v1/listings?limit=1").statusCode()).isEqualTo(200);
        assertThat(p.get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void theManagementPortServesMetricsAndAdminButNotTheApi() {
        assertThat(p.platform.managementPort()).isPositive().isNotEqualTo(p.platform.port());
        var metrics = p.management("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(p.management("/admin/db/slow").statusCode()).isEqualTo(401);
        assertThat(p.management("/api/v1/listings?limit=1").statusCode()).isEqualTo(404);
    }

    @Test
    void theManagementPortIsOnLoopbackByDefault() {
        assertThat(ManagementConfig.defaults().host()).isEqualTo("127.0.0.1");
        var parsed = new picocli.CommandLine(new ServeCommand());
        parsed.parseArgs();
        ServeCommand command = parsed.getCommand();
        assertThat(command.managementHost).isEqualTo(System.getenv().getOrDefault("HEXPROPERTY_MANAGEMENT_HOST", "127.0.0.1"));
    }
}
