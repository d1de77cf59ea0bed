package io.hexproperty.balancer.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The actuator against fabric8's Kubernetes mock server in CRUD mode (a loopback HTTP server, no cluster). */
@Tag("unit")
@EnableKubernetesMockClient(crud = true)
class KubernetesActuatorTest {
    KubernetesClient client;

    @BeforeEach
    void deployment() {
        Deployment d = new DeploymentBuilder().withNewMetadata().withName("hexproperty").withNamespace("listings").endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app.kubernetes.io/name", "hexproperty").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app.kubernetes.io/name", "hexproperty").endMetadata()
                .withNewSpec().addNewContainer().withName("hexproperty").withImage("hexproperty:0.1.0").endContainer().endSpec()
                .endTemplate().endSpec().withNewStatus().withReplicas(2).withReadyReplicas(2).endStatus().build();
        client.apps().deployments().inNamespace("listings").resource(d).create();
    }

    @Test
    void aPolicyDecisionScalesTheDeploymentThroughItsScaleSubresource() {
        KubernetesActuator actuator = new KubernetesActuator(client, "listings", "hexproperty");
        assertThat(actuator.replicas()).isEqualTo(new KubernetesActuator.Replicas(2, 2));
        ScalingConfig config = ScalingConfig.defaults().withCapacity(100).withBounds(1, 10).withRules(List.of(), List.of())
                .withBudget(new ConnectionBudget(100, 10, 8));
        ScalingPolicy policy = ScalingPolicy.reactive(config, EventBoard.empty());
        MetricWindow window = new MetricWindow(Duration.ofMinutes(5));
        window.add(actuator.sample(Trace.MONDAY, 400, 0.9, 120));
        Decision d = policy.decide(window);
        assertThat(d.desired()).isEqualTo(6); // ceil(400 / 70)
        assertThat(actuator.apply(d)).isEqualTo(6);
        assertThat(actuator.scaleReplicas()).isEqualTo(6);
        assertThat(client.apps().deployments().inNamespace("listings").withName("hexproperty").get().getSpec().getReplicas()).isEqualTo(6);

        // 1000 rps wants 15; the connection budget (90 usable / pool 8) refuses more than 11, and max is 10
        window.add(actuator.sample(Trace.MONDAY.plusSeconds(1), 1000, 0.9, 120));
        assertThat(actuator.apply(policy.decide(window))).isEqualTo(10);
        assertThat(actuator.replicas().desired()).isEqualTo(10);
    }

    @Test
    void aMissingDeploymentIsNamedInTheError() {
        KubernetesActuator actuator = new KubernetesActuator(client, "listings", "nope");
        assertThatThrownBy(actuator::replicas).isInstanceOf(IllegalStateException.class).hasMessageContaining("listings/nope");
        assertThatThrownBy(() -> new KubernetesActuator(client, "", "x")).hasMessageContaining("namespace");
    }
}
