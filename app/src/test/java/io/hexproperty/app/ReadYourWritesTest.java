package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Postgres;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** X-Consistency-Token across two nodes on one database: a read carrying it never misses the write. */
@Postgres
class ReadYourWritesTest {

    @Test
    void aTokenFromAWriteOnOneNodeMakesAReadOnAnotherSeeIt() throws Exception {
        TestPlatform p = TestPlatform.get();
        Platform other = p.startNode(UnaryOperator.identity());
        String otherUrl = "http://127.0.0.1:" + other.port();
        try {
            String key = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=11&sort=price_asc&minPrice=70000"))
                    .getLast().getString("ListingKey");
            for (int round = 0; round < 5; round++) {
                // The other node caches the current version...
                assertThat(get(p, otherUrl + "/api/v1/listings/" + key, null).statusCode()).isEqualTo(200);
                // ...the write happens on the first node...
                HttpResponse<String> patched = p.send("PATCH", "/api/v1/listings/" + key, "{\"PhotosCount\":" + (20 + round) + "}",
                        "Authorization", "Bearer " + p.brokerToken, "Content-Type", "application/json");
                assertThat(patched.statusCode()).isEqualTo(200);
                long written = new JsonObject(patched.body()).getLong("version");
                String token = patched.headers().firstValue("X-Consistency-Token").orElseThrow();
                // a WAL position, its issue time and the server key's signature (ADR 0015)
                assertThat(token).matches("[0-9A-F]{1,8}/[0-9A-F]{1,8}\\.[0-9]+\\.[A-Za-z0-9_-]{22}");
                // ...and a read with the token sees it at once, whatever the other node's cache holds.
                JsonObject after = new JsonObject(get(p, otherUrl + "/api/v1/listings/" + key, token).body());
                assertThat(after.getLong("version")).isEqualTo(written);
                assertThat(after.getInteger("PhotosCount")).isEqualTo(20 + round);
            }
            BadInputTest.assertProblem(p.get("/api/v1/listings/" + key, "X-Consistency-Token", "yesterday"), 400,
                    "X-Consistency-Token");
        } finally {
            other.close();
        }
    }

    private static HttpResponse<String> get(TestPlatform p, String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("X-Consistency-Token", token);
        }
        return p.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
