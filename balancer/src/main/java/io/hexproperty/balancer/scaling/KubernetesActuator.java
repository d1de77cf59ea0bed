package io.hexproperty.balancer.scaling;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;

/**
 * Applies scaling decisions to a Kubernetes Deployment through its {@code scale} subresource (what
 * {@code kubectl scale} and the HPA use), so the autoscaler can drive pods instead of local worker JVMs.
 * Scale-in relies on the Deployment's own drain: the pods' preStop hook and {@code serve --drain-timeout}
 * finish in-flight requests before a pod exits.
 *
 * <p>Kubernetes reports replicas (what the spec asks) and ready replicas (passing readiness), which map to
 * the policy's current and ready workers. Errors of the API server surface as {@link IllegalStateException}
 * naming the Deployment and the server's message, never as a fabric8 type.
 */
public final class KubernetesActuator {
    /** What the Deployment says now. */
    public record Replicas(int desired, int ready) {}

    private final KubernetesClient client;
    private final String namespace;
    private final String deployment;

    public KubernetesActuator(KubernetesClient client, String namespace, String deployment) {
        if (namespace == null || namespace.isBlank() || deployment == null || deployment.isBlank()) {
            throw new IllegalArgumentException("namespace and deployment must not be blank");
        }
        this.client = client;
        this.namespace = namespace;
        this.deployment = deployment;
    }

    private RollableScalableResource<Deployment> resource() {
        return client.apps().deployments().inNamespace(namespace).withName(deployment);
    }

    public Replicas replicas() {
        try {
            Deployment d = resource().get();
            if (d == null) {
                throw new IllegalStateException("deployment " + namespace + "/" + deployment + " does not exist");
            }
            Integer spec = d.getSpec() == null ? null : d.getSpec().getReplicas();
            Integer ready = d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
            return new Replicas(spec == null ? 1 : spec, ready == null ? 0 : ready);
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("cannot read deployment " + namespace + "/" + deployment + ": " + e.getMessage(), e);
        }
    }

    /** The replica count of the scale subresource. */
    public int scaleReplicas() {
        try {
            Scale s = resource().scale();
            if (s == null || s.getSpec() == null || s.getSpec().getReplicas() == null) {
                throw new IllegalStateException("deployment " + namespace + "/" + deployment + " has no scale subresource answer");
            }
            return s.getSpec().getReplicas();
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("cannot read the scale of " + namespace + "/" + deployment + ": " + e.getMessage(), e);
        }
    }

    /** Sets the Deployment's replicas to the decision's desired count when it differs; returns the count asked. */
    public int apply(Decision decision) {
        if (decision.desired() < 0) {
            throw new IllegalArgumentException("desired replicas must be >= 0, was " + decision.desired());
        }
        if (decision.desired() == replicas().desired()) {
            return decision.desired();
        }
        try {
            resource().scale(decision.desired());
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("cannot scale " + namespace + "/" + deployment + " to " + decision.desired()
                    + " (" + decision.reason() + "): " + e.getMessage(), e);
        }
        return decision.desired();
    }

    /** A policy sample from the Deployment's counts plus the signals Kubernetes does not have. */
    public MetricSample sample(java.time.Instant at, double arrivalRate, double cpu, double p99Millis) {
        Replicas r = replicas();
        return new MetricSample(at, arrivalRate, 0, cpu, p99Millis, 0, 0, r.desired(), Math.min(r.ready(), r.desired()));
    }
}
