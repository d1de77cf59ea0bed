-- Manual cache invalidations (POST /admin/cache/invalidate, `hexproperty cache purge`) for every node:
-- the node that takes the request appends a row here; every node polls the rows past the last one it
-- applied and drops the same scope from its own L1 (ADR 0016). Writers take a transaction-scoped
-- advisory lock before nextval, so sequence order is commit order and a poller that reads seq > last
-- never skips a row committed later with a smaller number. Rows older than a day are deleted by writers.
CREATE TABLE cache_purges (
    seq           bigserial PRIMARY KEY,
    scope         text NOT NULL CHECK (scope IN ('key', 'tag', 'all')),
    value         text NOT NULL DEFAULT '' CHECK (length(value) <= 200),
    requested_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
