package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Postgres;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The issue-5 database pieces as `serve` wires them, and the `db` commands against its database. */
@Postgres
class DbCommandTest {
    private final TestPlatform p = TestPlatform.get();

    @Test
    void slowQueryCaptureIsServedToTheAdminOnly() throws Exception {
        String token = Files.readString(p.dataDir.resolveSibling("admin-token")).strip();
        BadInputTest.assertProblem(p.management("/admin/db/slow"), 401, "Authorization");

        HttpResponse<String> ok = p.management("/admin/db/slow", "Authorization", "Bearer " + token);

        assertThat(ok.statusCode()).isEqualTo(200);
        JsonObject body = new JsonObject(ok.body());
        assertThat(body.getLong("thresholdMs")).isEqualTo(100);
        assertThat(body.getJsonArray("samples")).isNotNull();
    }

    @Test
    void servePartitionsInquiriesMonthsAhead() throws Exception {
        var config = p.platform.database().config();
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid"
                        + " WHERE h.inhparent = 'inquiries'::regclass AND c.relname = 'inquiries_p'"
                        + " || to_char(now() + interval '3 months', 'YYYY_MM')")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void adviseMaintainAndPlansRunAgainstTheDatabase() {
        String url = p.platform.database().config().url();

        String advice = stdout(() -> Main.run("db", "advise", "--json", "--db-url", url));
        assertThat(new JsonObject(advice).getBoolean("pgStatStatements")).isTrue();

        String dryRun = stdout(() -> Main.run("db", "maintain", "--dry-run", "--db-url", url));
        assertThat(dryRun).matches("(?s)(nothing due|\\d+ action\\(s\\) due.*why: .*)\\n");

        String plans = stdout(() -> Main.run("db", "plans", "--db-url", url));
        assertThat(plans).contains("| status=Active, newest | listings_hot_").contains("Subplans Removed: 1");
    }

    /** Runs the command with System.out captured; fails unless it exits 0. */
    private static String stdout(java.util.function.IntSupplier command) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = command.getAsInt();
        } finally {
            System.setOut(original);
        }
        assertThat(code).as("exit code; output: %s", out).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
