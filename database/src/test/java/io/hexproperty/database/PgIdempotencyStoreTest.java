package io.hexproperty.database;

import static io.hexproperty.testing.Stages.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.domain.IdempotencyClaim;
import io.hexproperty.domain.IdempotencyService;
import io.hexproperty.domain.StoredResponse;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.RunningPostgres;
import io.hexproperty.testing.lane.Postgres;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** V70 and {@link PgIdempotencyStore}: one grant per key under contention, replay, mismatch, retention. */
@Postgres
class PgIdempotencyStoreTest {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = TestPostgres.EXTENSION;

    private static final byte[] BODY_A = "a".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY_B = "b".getBytes(StandardCharsets.UTF_8);
    private final PgIdempotencyStore store = new PgIdempotencyStore(TestPostgres.pool());

    private IdempotencyService at(Instant now) {
        return new IdempotencyService(store, Clock.fixed(now, ZoneOffset.UTC), IdempotencyService.DEFAULT_RETENTION,
                IdempotencyService.DEFAULT_ABANDON_AFTER);
    }

    @Test
    void ofManyConcurrentClaimsExactlyOneIsGranted() {
        IdempotencyService keys = at(Instant.now());
        for (int round = 0; round < 20; round++) {
            String key = UUID.randomUUID().toString();
            List<CompletionStage<IdempotencyClaim>> claims = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                claims.add(keys.claim("POST /api/v1/inquiries", key, BODY_A));
            }
            List<IdempotencyClaim> outcomes = claims.stream().map(c -> c.toCompletableFuture().join()).toList();
            assertThat(outcomes.stream().filter(IdempotencyClaim.Granted.class::isInstance)).as("round %d", round).hasSize(1);
            assertThat(outcomes.stream().filter(IdempotencyClaim.InProgress.class::isInstance)).hasSize(15);
        }
    }

    @Test
    void aCompletedKeyReplaysForTheSameBodyAndRefusesAnother() {
        IdempotencyService keys = at(Instant.now());
        String key = UUID.randomUUID().toString();
        var granted = (IdempotencyClaim.Granted) await(keys.claim("s", key, BODY_A));
        StoredResponse response = new StoredResponse(201, List.of("Location", "/api/v1/listings/HX1"), "{\"id\":1}".getBytes());
        await(keys.complete("s", key, granted.claimId(), response));

        IdempotencyClaim again = await(keys.claim("s", key, BODY_A));
        assertThat(again).isInstanceOf(IdempotencyClaim.Replay.class);
        StoredResponse replayed = ((IdempotencyClaim.Replay) again).response();
        assertThat(replayed.status()).isEqualTo(201);
        assertThat(replayed.headers()).containsExactly("Location", "/api/v1/listings/HX1");
        assertThat(new String(replayed.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");

        assertThat(await(keys.claim("s", key, BODY_B))).isInstanceOf(IdempotencyClaim.Mismatch.class);
        assertThat(await(keys.claim("other scope", key, BODY_B))).as("scopes are separate").isInstanceOf(IdempotencyClaim.Granted.class);
    }

    @Test
    void aReleasedKeyCanBeClaimedAgainAndAnAbandonedOneAfterTheLease() {
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        String key = UUID.randomUUID().toString();
        var first = (IdempotencyClaim.Granted) await(at(t0).claim("s", key, BODY_A));
        await(at(t0).release("s", key, first.claimId()));
        var second = await(at(t0).claim("s", key, BODY_A));
        assertThat(second).isInstanceOf(IdempotencyClaim.Granted.class);

        assertThat(await(at(t0.plusSeconds(30)).claim("s", key, BODY_A))).as("within the lease").isInstanceOf(IdempotencyClaim.InProgress.class);
        assertThat(await(at(t0.plusSeconds(61)).claim("s", key, BODY_B))).as("another body never takes over")
                .isInstanceOf(IdempotencyClaim.Mismatch.class);
        assertThat(await(at(t0.plusSeconds(61)).claim("s", key, BODY_A))).as("same request after the lease")
                .isInstanceOf(IdempotencyClaim.Granted.class);
    }

    @Test
    void keysAreHonouredForTwentyFourHoursAndPrunedAfter(RunningPostgres pg) throws Exception {
        Instant old = Instant.parse("2026-11-01T08:00:00Z");
        String oldKey = UUID.randomUUID().toString();
        String recentKey = UUID.randomUUID().toString();
        var o = (IdempotencyClaim.Granted) await(at(old).claim("s", oldKey, BODY_A));
        await(at(old).complete("s", oldKey, o.claimId(), new StoredResponse(201, List.of(), new byte[0])));
        Instant recent = old.plus(Duration.ofHours(23));
        var r = (IdempotencyClaim.Granted) await(at(recent).claim("s", recentKey, BODY_A));
        await(at(recent).complete("s", recentKey, r.claimId(), new StoredResponse(201, List.of(), new byte[0])));

        Instant now = old.plus(Duration.ofHours(24)).plusSeconds(1);
        assertThat(await(at(old.plus(Duration.ofHours(23))).claim("s", oldKey, BODY_B))).as("23 h: still honoured")
                .isInstanceOf(IdempotencyClaim.Mismatch.class);
        long pruned = await(at(now).prune());
        assertThat(pruned).isGreaterThanOrEqualTo(1);
        assertThat(rows(pg, oldKey)).as("older than 24 h: deleted").isZero();
        assertThat(rows(pg, recentKey)).as("23 h old: kept").isOne();
        assertThat(await(at(now).claim("s", recentKey, BODY_A))).isInstanceOf(IdempotencyClaim.Replay.class);
        assertThat(await(at(recent.plus(Duration.ofHours(25))).claim("s", recentKey, BODY_B)))
                .as("an expired row is replaced even before the job runs").isInstanceOf(IdempotencyClaim.Granted.class);
    }

    private static long rows(RunningPostgres pg, String key) throws Exception {
        try (var c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
             var s = c.prepareStatement("SELECT count(*) FROM idempotency_keys WHERE key = ?")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
