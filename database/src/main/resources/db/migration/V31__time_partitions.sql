-- Inquiries and daily view counters are range-partitioned by month, so that old months are dropped
-- as whole partitions (no DELETE, no vacuum debt) and recent ones stay small. Partitions are named
-- <table>_pYYYY_MM; the application's PartitionKeeper creates them months ahead and drops those
-- past retention. This migration creates the months from the oldest existing inquiry up to three
-- months ahead, so the table accepts writes before the keeper's first run.

CREATE FUNCTION hx_month_partitions(parent text, first_month date, last_month date) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    m date := date_trunc('month', first_month)::date;
BEGIN
    WHILE m <= last_month LOOP
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                       parent || '_p' || to_char(m, 'YYYY_MM'), parent, m, (m + interval '1 month')::date);
        m := (m + interval '1 month')::date;
    END LOOP;
END $$;

ALTER TABLE inquiries RENAME TO inquiries_unpartitioned;
ALTER TABLE inquiries_unpartitioned RENAME CONSTRAINT inquiries_pkey TO inquiries_unpartitioned_pkey;
ALTER INDEX inquiries_listing RENAME TO inquiries_unpartitioned_listing;
ALTER SEQUENCE inquiries_id_seq OWNED BY NONE;

CREATE TABLE inquiries (
    id           bigint NOT NULL DEFAULT nextval('inquiries_id_seq'),
    listing_key  text NOT NULL REFERENCES listing_keys ON DELETE CASCADE,
    name         text NOT NULL,
    email        text NOT NULL,
    message      text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE inquiries_id_seq OWNED BY inquiries.id;
CREATE INDEX inquiries_listing ON inquiries (listing_key, created_at);

-- PERFORM inside DO, not SELECT: Flyway prints the result set of a top-level SELECT at every first start.
DO $$ BEGIN
    PERFORM hx_month_partitions('inquiries',
        least(coalesce((SELECT min(created_at) FROM inquiries_unpartitioned), now()), now())::date,
        (now() + interval '3 months')::date);
END $$;
INSERT INTO inquiries (id, listing_key, name, email, message, created_at)
    SELECT id, listing_key, name, email, message, created_at FROM inquiries_unpartitioned;
DROP TABLE inquiries_unpartitioned;

-- Views per listing per day (UTC), incremented by upsert.
CREATE TABLE listing_views_daily (
    listing_key  text NOT NULL REFERENCES listing_keys ON DELETE CASCADE,
    day          date NOT NULL,
    views        bigint NOT NULL DEFAULT 0 CHECK (views >= 0),
    PRIMARY KEY (listing_key, day)
) PARTITION BY RANGE (day);
DO $$ BEGIN
    PERFORM hx_month_partitions('listing_views_daily', now()::date, (now() + interval '3 months')::date);
END $$;

DROP FUNCTION hx_month_partitions(text, date, date);
