package io.hexproperty.balancer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.balancer.algorithms.ResourceReport;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class HaproxyExportTest {
    private static final List<HaproxyExport.Server> SERVERS = List.of(
            new HaproxyExport.Server("worker-1", URI.create("http://127.0.0.1:9001"), 100, 9101),
            new HaproxyExport.Server("worker-2", URI.create("http://127.0.0.1:9002"), 100, 9102));

    private static String render(String balancer) {
        return HaproxyExport.render(SERVERS, new HaproxyExport.Config(balancer, 8080, "/health/ready", 200,
                PoolConfig.defaults(), GatewayConfig.defaults(), 1.25));
    }

    @Test
    void eachAlgorithmMapsToItsHaproxyEquivalent() {
        assertThat(render("round-robin")).contains("balance roundrobin").doesNotContain("agent-check");
        assertThat(render("least-connections")).contains("balance leastconn");
        assertThat(render("dynamic")).contains("balance leastconn").contains("no HAProxy equivalent");
        assertThat(render("hash")).contains("hash-type consistent").contains("hash-balance-factor 125");
        assertThat(render("resource")).contains("server worker-1 127.0.0.1:9001 check weight 100 agent-check agent-port 9101");
    }

    @Test
    void healthAndRetrySettingsCarryOver() {
        String cfg = render("round-robin");
        assertThat(cfg).contains("option httpchk GET /health/ready").contains("http-check expect status 200")
                .contains("default-server inter 1000ms rise 2 fall 2 slowstart 10000ms observe layer7 error-limit 5 on-error mark-down")
                .contains("retries 1").contains("option redispatch 1").contains("bind :8080");
    }

    @Test
    void rejectsAnEmptyBackendAndUnknownAlgorithms() {
        assertThatThrownBy(() -> HaproxyExport.render(List.of(), null)).hasMessageContaining("at least one server");
        assertThatThrownBy(() -> render("random")).hasMessageContaining("unknown balancer 'random'");
    }

    @Test
    void agentStatsLineParses() {
        assertThat(WorkerPool.parseStats("up 63% cpu=0.310 loop=1.25 waiters=3")).isEqualTo(new ResourceReport(0.31, 1.25, 3));
        assertThat(WorkerPool.parseStats("up 63% cpu=0.310 loop=1.25 waiters=3")).extracting(ResourceReport::hasUsage).isEqualTo(false);
        assertThat(WorkerPool.parseStats("up 63% cpu=0.310 loop=1.25 waiters=3 inuse=6 heap=142"))
                .isEqualTo(new ResourceReport(0.31, 1.25, 3, 6, 142));
        assertThatThrownBy(() -> WorkerPool.parseStats("up cpu=abc")).hasMessageContaining("bad cpu value 'abc'");
    }
}
