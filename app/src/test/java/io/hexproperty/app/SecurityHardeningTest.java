package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.domain.Agent;
import io.hexproperty.testing.lane.Postgres;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Base64;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 items 3, 4, 5, 9 and 11 over real HTTP on real PostgreSQL: listing ownership by role, signed
 * cursors, sealed consistency tokens, the statement timeout's 503, and the secret files.
 */
@Postgres
class SecurityHardeningTest {
    private static final String JSON = "application/json";
    private static TestPlatform p;
    private static String agentA;
    private static String agentB;
    private static String broker;
    private static String admin;

    @BeforeAll
    static void start() {
        p = TestPlatform.get();
        agentA = TestAgents.create(p.platform, Agent.Role.AGENT);
        agentB = TestAgents.create(p.platform, Agent.Role.AGENT);
        broker = TestAgents.create(p.platform, Agent.Role.BROKER);
        admin = TestAgents.create(p.platform, Agent.Role.ADMIN);
    }

    private static String create(String token, String listingId) {
        HttpResponse<String> r = p.send("POST", "/api/v1/listings", BadInputTest.with("ListingId", listingId),
                "Authorization", "Bearer " + token, "Content-Type", JSON);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new JsonObject(r.body()).getString("ListingKey");
    }

    private static HttpResponse<String> patch(String token, String key, long price) {
        return p.send("PATCH", "/api/v1/listings/" + key, "{\"ListPrice\":" + price + "}",
                "Authorization", "Bearer " + token, "Content-Type", JSON);
    }

    private static HttpResponse<String> delete(String token, String key) {
        return p.send("DELETE", "/api/v1/listings/" + key, null, "Authorization", "Bearer " + token);
    }

    private static String feedListing(int index) {
        JsonObject seeded = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=20&sort=price_desc")).get(index);
        assertThat(seeded.getString("ListAgentKey")).as("seeded listings belong to the MLS feed").isEqualTo(Agent.MLS_FEED_KEY);
        return seeded.getString("ListingKey");
    }

    @Test
    void anAgentChangesOnlyItsOwnListingsAndBrokersAndAdminsActOnOthers() {
        String ofA = create(agentA, "OWN-A-1");
        String feed = feedListing(0);

        BadInputTest.assertProblem(patch(agentB, ofA, 1), 403, "Authorization");
        BadInputTest.assertProblem(delete(agentB, ofA), 403, "Authorization");
        BadInputTest.assertProblem(patch(agentA, feed, 1), 403, "Authorization");
        BadInputTest.assertProblem(delete(agentA, feed), 403, "Authorization");
        BadInputTest.assertProblem(delete(p.demoToken, feed), 403, "Authorization");
        assertThat(new JsonObject(p.get("/api/v1/listings/" + feed).body()).getLong("version")).as("nothing written").isEqualTo(1);
        assertThat(new JsonObject(p.get("/api/v1/listings/" + ofA).body()).getLong("version")).isEqualTo(1);

        assertThat(patch(agentA, ofA, 410_000).statusCode()).isEqualTo(200);
        HttpResponse<String> byBroker = patch(broker, ofA, 405_000);
        assertThat(byBroker.statusCode()).as(byBroker.body()).isEqualTo(200);
        assertThat(new JsonObject(byBroker.body()).getString("ListAgentKey")).as("the owner stays A").isNotEqualTo(Agent.MLS_FEED_KEY);
        assertThat(patch(admin, feed, 999_000).statusCode()).isEqualTo(200);
        assertThat(delete(broker, feedListing(1)).statusCode()).isEqualTo(204);
        assertThat(delete(admin, ofA).statusCode()).isEqualTo(204);
    }

    @Test
    void cursorsAreSignedAndAnythingElseIsA400NamingCursor() {
        String first = "/api/v1/listings?state=TX&limit=5";
        String next = new JsonObject(p.get(first).body()).getString("next");
        assertThat(next).isNotNull();
        assertThat(p.get(first + "&cursor=" + next).statusCode()).isEqualTo(200);

        // the reviewer's exploit: the old format with a day LocalDate cannot hold (a 500 with a stack trace before)
        String forged = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("v1|newest|9223372036854775807|HX1|0".getBytes(StandardCharsets.UTF_8));
        BadInputTest.assertProblem(p.get(first + "&cursor=" + forged), 400, "cursor");
        char[] tampered = next.toCharArray();
        tampered[2] = tampered[2] == 'A' ? 'B' : 'A';
        BadInputTest.assertProblem(p.get(first + "&cursor=" + new String(tampered)), 400, "cursor");
        BadInputTest.assertProblem(p.get("/api/v1/listings?state=CA&limit=5&cursor=" + next), 400, "cursor");

        Random random = new Random(4);
        for (int i = 0; i < 300; i++) {
            byte[] raw = new byte[1 + random.nextInt(150)];
            random.nextBytes(raw);
            String text = Base64.getUrlEncoder().withoutPadding().encodeToString(raw)
                    + (i % 2 == 0 ? "" : "." + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(raw, 16)));
            HttpResponse<String> r = p.get(first + "&cursor=" + text);
            assertThat(r.statusCode()).as(text).isLessThan(500);
            BadInputTest.assertProblem(r, 400, "cursor");
        }
    }

    @Test
    void nodesSharingTheServerKeyFileAcceptEachOthersCursorsAndOthersDoNot() throws Exception {
        String first = "/api/v1/listings?state=TX&limit=5";
        String next = new JsonObject(p.get(first).body()).getString("next");
        try (Platform sibling = p.startNode(java.util.function.UnaryOperator.identity())) {
            HttpResponse<String> r = p.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "http://127.0.0.1:" + sibling.port() + first + "&cursor=" + next)).GET());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(sibling.serverKeyFile()).isEqualTo(p.platform.serverKeyFile());
        }
        java.nio.file.Path otherKey = Files.createTempDirectory("other-key").resolve("server-key");
        try (Platform stranger = p.startNode(java.util.function.UnaryOperator.identity(), c -> c, otherKey)) {
            BadInputTest.assertProblem(p.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "http://127.0.0.1:" + stranger.port() + first + "&cursor=" + next)).GET()), 400, "cursor");
        }
    }

    @Test
    void onlyConsistencyTokensThisDeploymentIssuedAreAccepted() {
        String key = create(agentA, "TOKEN-A-1");
        HttpResponse<String> written = patch(agentA, key, 333_000);
        String token = written.headers().firstValue("X-Consistency-Token").orElseThrow();
        HttpResponse<String> read = p.get("/api/v1/listings/" + key, "X-Consistency-Token", token);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(read.body()).getLong("ListPrice")).isEqualTo(333_000);

        // a raw WAL position (what the header took before: any client could skip every cache with it)
        BadInputTest.assertProblem(p.get("/api/v1/listings/" + key, "X-Consistency-Token", "FFFFFFFF/FFFFFFFF"), 400,
                "X-Consistency-Token");
        String position = token.substring(0, token.indexOf('.'));
        BadInputTest.assertProblem(p.get("/api/v1/listings/" + key, "X-Consistency-Token", position), 400, "X-Consistency-Token");
        String altered = "FFFFFFFF/FFFFFFFF" + token.substring(token.indexOf('.'));
        BadInputTest.assertProblem(p.get("/api/v1/listings/" + key, "X-Consistency-Token", altered), 400, "X-Consistency-Token");
    }

    @Test
    void aQueryPastTheStatementTimeoutIsA503WithRetryAfter() throws Exception {
        String key = create(agentA, "SLOW-A-1");
        var db = p.platform.database();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            // hold the row lock: the PATCH's SELECT ... FOR UPDATE waits until statement_timeout (2 s) cancels it
            st.execute("SELECT 1 FROM listings WHERE listing_key = '" + key + "' FOR UPDATE");
            HttpResponse<String> r = CompletableFuture.supplyAsync(() -> patch(agentA, key, 1)).get(20, TimeUnit.SECONDS);
            BadInputTest.assertProblem503(r);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            c.rollback();
        }
        assertThat(patch(agentA, key, 2).statusCode()).as("the lock is gone, the write goes through").isEqualTo(200);
    }

    @Test
    void secretFilesAreOwnerOnlyAndTheDemoTokenIsNotInTheLog() throws Exception {
        for (var file : new java.nio.file.Path[] {p.platform.serverKeyFile(), p.dataDir.resolveSibling("demo-agent-token"),
                p.dataDir.resolveSibling("admin-token")}) {
            assertThat(Files.getPosixFilePermissions(file)).as(file.toString())
                    .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        }
        // a database without agents: DemoAgent creates one, says where its token is, and never prints it
        var db = p.platform.database();
        String name = "demo_" + ProcessHandle.current().pid();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        String base = db.config().url();
        io.hexproperty.database.DatabaseConfig fresh = io.hexproperty.database.DatabaseConfig.of(
                base.substring(0, base.lastIndexOf('/') + 1) + name).withCredentials(db.user(), db.password()).withPoolSize(1);
        io.hexproperty.database.Migrations.apply(fresh.jdbcUrl(), fresh.user(), fresh.password());
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            var pool = io.hexproperty.database.PgPools.create(vertx, fresh);
            java.nio.file.Path tokenFile = Files.createTempDirectory("demo-token").resolve("demo-agent-token");
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            DemoAgent.ensure(new io.hexproperty.database.PgAgentStore(pool), tokenFile, new java.io.PrintStream(out, true));
            String token = Files.readString(tokenFile).strip();
            assertThat(token).startsWith("hxp_");
            assertThat(out.toString()).contains(tokenFile.toString()).doesNotContain(token);
            assertThat(Files.getPosixFilePermissions(tokenFile))
                    .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            pool.close();
        } finally {
            vertx.close();
        }
    }
}
