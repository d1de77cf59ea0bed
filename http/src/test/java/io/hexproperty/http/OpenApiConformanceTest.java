package io.hexproperty.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.domain.ListingService;
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
class OpenApiConformanceTest {
    private static Vertx vertx;
    private static JsonObject openApi;
    private static Set<String> routed;

    @BeforeAll
    static void build() throws Exception {
        vertx = Vertx.vertx();
        InMemoryListingStore listings = new InMemoryListingStore(Clock.systemUTC());
        ListingService service = new ListingService(listings, new InMemoryInquiryStore(listings, Clock.systemUTC()));
        HttpApi api = new HttpApi(service, ResponseCache.disabled(service, Clock.systemUTC()), service, new InMemoryAgentStore(),
                () -> CompletableFuture.completedFuture(true), new SimpleMeterRegistry(), () -> "", Clock.systemUTC(), "test-admin-token-0123456789");
        routed = new TreeSet<>();
        // Both ports: the public one and the management one (/metrics, /admin/*).
        var routes = new java.util.ArrayList<>(api.router(vertx).getRoutes());
        routes.addAll(api.managementRouter(vertx, extra -> { }).getRoutes());
        for (Route route : routes) {
            if (route.getPath() == null || route.methods() == null || route.getPath().equals("/")) {
                continue;
            }
            for (HttpMethod m : route.methods()) {
                routed.add(m.name().toLowerCase(Locale.ROOT) + " " + route.getPath().replaceAll(":([A-Za-z]+)", "{$1}"));
            }
        }
        try (InputStream in = HttpApi.class.getResourceAsStream("/openapi.json")) {
            openApi = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
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
        routed.remove("get /bench/static"); // benchmark ceiling, deliberately not part of the API
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
