-- Idempotency-Key of POST requests (issue 9): one row per (scope, key), shared by every node.
-- status IS NULL while the request that claimed the key is still writing; then its response is kept
-- (status, headers as name/value pairs, body) and replayed to retries. Rows older than the retention
-- (24 h) are deleted by the retention job; created_at drives both that and the claim rules.
CREATE TABLE idempotency_keys (
    scope       text        NOT NULL,
    key         text        NOT NULL,
    fingerprint bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    claim_id    bigint      NOT NULL,
    status      integer,
    headers     text[],
    body        bytea,
    PRIMARY KEY (scope, key)
);

CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
