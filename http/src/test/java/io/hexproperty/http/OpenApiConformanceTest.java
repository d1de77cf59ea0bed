package io.hexproperty.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.domain.ListingService;
import io.hexproperty.domain.port.in.AgentAuthentication;
import io.hexproperty.testing.InMemoryAgentStore;
import io.hexproperty.testing.InMemoryInquiryStore;
import io.hexproperty.testing.InMemoryListingStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /openapi.json describes exactly the routes the router serves and the parameters the search accepts. */
@Unit
class OpenApiConformanceTest {
    private static Vertx vertx;
    private static JsonObject openApi;
    private static Set<String> routed;

    @BeforeAll
    static void build() throws Exception {
        vertx = Vertx.vertx();
        routed = routes(api().build());
        try (InputStream in = HttpApi.class.getResourceAsStream("/openapi.json")) {
            openApi = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static HttpApi.Builder api() {
        InMemoryListingStore listings = new InMemoryListingStore(Clock.systemUTC());
        ListingService service = new ListingService(listings, new InMemoryInquiryStore(listings, Clock.systemUTC()));
        return HttpApi.builder()
                .cache(ResponseCache.disabled(service, Clock.systemUTC()))
                .commands(service)
                .authentication(AgentAuthentication.by(new InMemoryAgentStore()))
                .readiness(() -> CompletableFuture.completedFuture(true))
                .metrics(new SimpleMeterRegistry(), () -> "")
                .adminToken("test-admin-token-0123456789");
    }

    private static Set<String> routes(HttpApi api) {
        Set<String> routed = new TreeSet<>();
        // Both ports: the public one and the management one (/metrics, /admin/*).
        var all = new java.util.ArrayList<>(api.router(vertx).getRoutes());
        all.addAll(api.managementRouter(vertx, extra -> { }).getRoutes());
        for (Route route : all) {
            if (route.getPath() == null || route.methods() == null || route.getPath().equals("/")) {
                continue;
            }
            for (HttpMethod m : route.methods()) {
                routed.add(m.name().toLowerCase(Locale.ROOT) + " " + route.getPath().replaceAll(":([A-Za-z]+)", "{$1}"));
            }
        }
        return routed;
    }

    @Test
    void theBenchmarkCeilingIsRoutedOnlyWhenEnabled() {
        assertThat(routed).doesNotContain("get /bench/static");
        assertThat(routes(api().benchRoutes(true).build())).contains("get /bench/static");
    }

    @AfterAll
    static void close() {
        vertx.close();
    }

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() {
        Set<String> documented = new TreeSet<>();
        JsonObject paths = openApi.getJsonObject("paths");
        for (String path : paths.fieldNames()) {
            for (String method : paths.getJsonObject(path).fieldNames()) {
                if (!method.equals("parameters")) {
                    documented.add(method + " " + path);
                }
            }
        }
        routed.removeIf(r -> r.endsWith(" /*")); // static web page
        assertThat(routed).isNotEmpty();
        assertThat(documented).containsExactlyInAnyOrderElementsOf(routed);
    }

    @Test
    void searchParametersMatchTheParser() {
        JsonArray params = openApi.getJsonObject("paths").getJsonObject("/api/v1/listings").getJsonObject("get")
                .getJsonArray("parameters");
        Set<String> documented = new HashSet<>();
        for (int i = 0; i < params.size(); i++) {
            JsonObject p = params.getJsonObject(i);
            assertThat(p.getString("in")).isEqualTo("query");
            documented.add(p.getString("name"));
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(HttpApi.searchParameterNames());
    }

    @Test
    void writableFieldsMatchTheBodyDecoders() {
        JsonObject post = openApi.getJsonObject("paths").getJsonObject("/api/v1/listings").getJsonObject("post")
                .getJsonObject("requestBody").getJsonObject("content").getJsonObject("application/json")
                .getJsonObject("schema").getJsonObject("properties");
        assertThat(post.fieldNames()).containsExactlyInAnyOrderElementsOf(ListingBodies.DRAFT_FIELDS);
        JsonObject patch = openApi.getJsonObject("paths").getJsonObject("/api/v1/listings/{listingKey}")
                .getJsonObject("patch").getJsonObject("requestBody").getJsonObject("content")
                .getJsonObject("application/json").getJsonObject("schema").getJsonObject("properties");
        assertThat(patch.fieldNames()).containsExactlyInAnyOrderElementsOf(ListingBodies.PATCH_FIELDS);
    }
}
