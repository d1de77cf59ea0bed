package io.hexproperty.database;

import io.hexproperty.domain.IdempotencyClaim;
import io.hexproperty.domain.StoredResponse;
import io.hexproperty.domain.port.out.IdempotencyStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Idempotency keys in PostgreSQL (table {@code idempotency_keys}, V70). The claim is one
 * {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE}: PostgreSQL serializes concurrent inserts of one
 * primary key, so of N simultaneous claims exactly one inserts (or takes over an expired or abandoned
 * row) and the others see the winner's row: in progress, replay, or a different fingerprint.
 */
public final class PgIdempotencyStore implements IdempotencyStore {
    private static final String CLAIM = "INSERT INTO idempotency_keys AS k (scope, key, fingerprint, created_at, claim_id)"
            + " VALUES ($1, $2, $3, $4, $5)"
            + " ON CONFLICT (scope, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, created_at = EXCLUDED.created_at,"
            + " claim_id = EXCLUDED.claim_id, status = NULL, headers = NULL, body = NULL"
            + " WHERE k.created_at < $6 OR (k.status IS NULL AND k.created_at < $7 AND k.fingerprint = EXCLUDED.fingerprint)"
            + " RETURNING claim_id";
    private static final String READ = "SELECT fingerprint, status, headers, body FROM idempotency_keys WHERE scope = $1 AND key = $2";
    private static final String COMPLETE = "UPDATE idempotency_keys SET status = $4, headers = $5, body = $6"
            + " WHERE scope = $1 AND key = $2 AND claim_id = $3 AND status IS NULL";
    private static final String RELEASE = "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND claim_id = $3 AND status IS NULL";
    private static final String PRUNE = "DELETE FROM idempotency_keys WHERE created_at < $1";
    private static final int ATTEMPTS = 3;

    private final Pool pool;
    private final SecureRandom ids = new SecureRandom();

    public PgIdempotencyStore(Pool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    @Override
    public CompletionStage<IdempotencyClaim> claim(String scope, String key, byte[] fingerprint, Instant now,
                                                   Instant expiredBefore, Instant abandonedBefore) {
        return claim(scope, key, fingerprint, now, expiredBefore, abandonedBefore, ATTEMPTS).toCompletionStage();
    }

    private Future<IdempotencyClaim> claim(String scope, String key, byte[] fingerprint, Instant now,
                                           Instant expiredBefore, Instant abandonedBefore, int attempts) {
        long claimId = ids.nextLong();
        Tuple claim = Tuple.of(scope, key, Buffer.buffer(fingerprint), utc(now), claimId)
                .addValue(utc(expiredBefore)).addValue(utc(abandonedBefore));
        return pool.preparedQuery(CLAIM).execute(claim).compose(rows -> {
            if (rows.rowCount() > 0) {
                return Future.succeededFuture(new IdempotencyClaim.Granted(claimId));
            }
            return pool.preparedQuery(READ).execute(Tuple.of(scope, key)).compose(existing -> {
                if (!existing.iterator().hasNext()) {
                    // released or pruned between the two statements: claim again
                    return attempts > 1 ? claim(scope, key, fingerprint, now, expiredBefore, abandonedBefore, attempts - 1)
                            : Future.succeededFuture(new IdempotencyClaim.InProgress());
                }
                return Future.succeededFuture(decide(existing, fingerprint));
            });
        }).recover(e -> Future.failedFuture(PgErrors.toPort(e, pool)));
    }

    private static IdempotencyClaim decide(RowSet<Row> existing, byte[] fingerprint) {
        Row row = existing.iterator().next();
        if (!MessageDigest.isEqual(row.getBuffer("fingerprint").getBytes(), fingerprint)) {
            return new IdempotencyClaim.Mismatch();
        }
        Integer status = row.getInteger("status");
        if (status == null) {
            return new IdempotencyClaim.InProgress();
        }
        String[] headers = row.getArrayOfStrings("headers");
        Buffer body = row.getBuffer("body");
        return new IdempotencyClaim.Replay(new StoredResponse(status, headers == null ? List.of() : List.of(headers),
                body == null ? new byte[0] : body.getBytes()));
    }

    @Override
    public CompletionStage<Void> complete(String scope, String key, long claimId, StoredResponse response) {
        Tuple values = Tuple.of(scope, key, claimId, response.status(), response.headers().toArray(String[]::new),
                Buffer.buffer(response.body()));
        return pool.preparedQuery(COMPLETE).execute(values).<Void>mapEmpty()
                .recover(e -> Future.failedFuture(PgErrors.toPort(e, pool))).toCompletionStage();
    }

    @Override
    public CompletionStage<Void> release(String scope, String key, long claimId) {
        return pool.preparedQuery(RELEASE).execute(Tuple.of(scope, key, claimId)).<Void>mapEmpty()
                .recover(e -> Future.failedFuture(PgErrors.toPort(e, pool))).toCompletionStage();
    }

    @Override
    public CompletionStage<Long> deleteCreatedBefore(Instant cutoff) {
        return pool.preparedQuery(PRUNE).execute(Tuple.of(utc(cutoff))).map(rows -> (long) rows.rowCount())
                .recover(e -> Future.failedFuture(PgErrors.toPort(e, pool))).toCompletionStage();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
