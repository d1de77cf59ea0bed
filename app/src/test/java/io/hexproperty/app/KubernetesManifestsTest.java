package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every manifest under deploy/kubernetes parses, names its kind and apiVersion, and fits the others:
 * selectors match the pod labels, probes point at real health routes on the named port, the autoscalers
 * target the Deployment, and the HPA's maximum respects the PostgreSQL connection budget.
 */
@Tag("unit")
class KubernetesManifestsTest {
    private static Path dir() {
        Path root = Path.of(System.getProperty("hexproperty.repo.root", ".")).toAbsolutePath();
        while (root != null && !Files.isDirectory(root.resolve("deploy/kubernetes"))) {
            root = root.getParent();
        }
        assertThat(root).as("deploy/kubernetes above the working directory").isNotNull();
        return root.resolve("deploy/kubernetes");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> all() throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object o : new Yaml().loadAll(Files.readString(f))) {
                    assertThat(o).as(f + " holds a mapping").isInstanceOf(Map.class);
                    Map<String, Object> m = (Map<String, Object>) o;
                    assertThat(m).as(f.toString()).containsKeys("apiVersion", "kind", "metadata");
                    assertThat(map(m, "metadata")).as(f.toString()).containsKey("name");
                    docs.add(m);
                }
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String... path) {
        Object cur = m;
        for (String p : path) {
            assertThat(cur).as(String.join(".", path)).isInstanceOf(Map.class);
            cur = ((Map<String, Object>) cur).get(p);
        }
        assertThat(cur).as(String.join(".", path)).isInstanceOf(Map.class);
        return (Map<String, Object>) cur;
    }

    private static Map<String, Object> one(List<Map<String, Object>> docs, String kind) {
        List<Map<String, Object>> of = docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        assertThat(of).as(kind).hasSize(1);
        return of.getFirst();
    }

    @Test
    @SuppressWarnings("unchecked")
    void manifestsParseAndFitTogether() throws IOException {
        List<Map<String, Object>> docs = all();
        assertThat(docs.stream().map(d -> d.get("apiVersion") + "/" + d.get("kind")).toList()).containsExactlyInAnyOrder(
                "v1/ConfigMap", "v1/ConfigMap", "apps/v1/Deployment", "v1/Service", "policy/v1/PodDisruptionBudget",
                "autoscaling/v2/HorizontalPodAutoscaler", "keda.sh/v1alpha1/ScaledObject", "autoscaling.k8s.io/v1/VerticalPodAutoscaler");

        Map<String, Object> deployment = one(docs, "Deployment");
        String name = (String) map(deployment, "metadata").get("name");
        Map<String, Object> podLabels = map(deployment, "spec", "template", "metadata", "labels");
        assertThat(podLabels).containsAllEntriesOf((Map<String, Object>) map(deployment, "spec", "selector", "matchLabels"));
        assertThat(podLabels).containsAllEntriesOf((Map<String, Object>) map(one(docs, "Service"), "spec", "selector"));
        assertThat(podLabels).containsAllEntriesOf((Map<String, Object>) map(one(docs, "PodDisruptionBudget"), "spec", "selector", "matchLabels"));

        List<Map<String, Object>> containers = (List<Map<String, Object>>) map(deployment, "spec", "template", "spec").get("containers");
        assertThat(containers).hasSize(1);
        Map<String, Object> c = containers.getFirst();
        List<Object> portNames = ((List<Map<String, Object>>) c.get("ports")).stream().map(p -> p.get("name")).toList();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            Map<String, Object> get = map(c, probe, "httpGet");
            assertThat(get.get("path")).as(probe).isIn("/health/live", "/health/ready");
            assertThat(portNames).as(probe + " port").contains(get.get("port"));
        }
        assertThat(map(c, "readinessProbe", "httpGet").get("path")).isEqualTo("/health/ready");
        assertThat(map(c, "livenessProbe", "httpGet").get("path")).as("liveness must not depend on the database").isEqualTo("/health/live");

        int pool = Integer.parseInt(String.valueOf(map(docs.stream().filter(d -> "hexproperty".equals(map(d, "metadata").get("name"))
                && "ConfigMap".equals(d.get("kind"))).findFirst().orElseThrow(), "data").get("HEXPROPERTY_POOL_SIZE")));
        Map<String, Object> hpa = one(docs, "HorizontalPodAutoscaler");
        assertThat(map(hpa, "spec", "scaleTargetRef")).containsEntry("kind", "Deployment").containsEntry("name", name);
        int maxReplicas = (Integer) map(hpa, "spec").get("maxReplicas");
        assertThat(maxReplicas * pool).as("HPA max x pool within max_connections 100 - reserve 10").isLessThanOrEqualTo(90);
        List<Map<String, Object>> metrics = (List<Map<String, Object>>) map(hpa, "spec").get("metrics");
        assertThat(metrics.stream().map(m -> m.get("type")).toList()).contains("Resource", "Pods");

        Map<String, Object> keda = one(docs, "ScaledObject");
        assertThat(map(keda, "spec", "scaleTargetRef")).containsEntry("name", name);
        List<Map<String, Object>> triggers = (List<Map<String, Object>>) map(keda, "spec").get("triggers");
        assertThat(triggers.stream().map(t -> t.get("type")).toList()).containsExactlyInAnyOrder("cron", "prometheus");

        Map<String, Object> vpa = one(docs, "VerticalPodAutoscaler");
        assertThat(map(vpa, "spec", "targetRef")).containsEntry("name", name);
        assertThat(map(vpa, "spec", "updatePolicy")).containsEntry("updateMode", "Off");

        assertThat(Files.readString(dir().resolve("Dockerfile"))).contains("NOT BUILT OR TESTED HERE").contains("FROM ");
    }
}
