-- View counts, written behind: each node journals increments and flushes them in batches
-- (caching WriteStrategy.writeBehind). A batch is applied in one transaction together with its id,
-- so a batch redelivered after a crash (same id) is counted once.
-- No foreign key to listings: a count for a listing deleted meanwhile must not fail its batch.
CREATE TABLE listing_views (
    listing_key text PRIMARY KEY,
    views       bigint NOT NULL CHECK (views >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE applied_batches (
    id         text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
