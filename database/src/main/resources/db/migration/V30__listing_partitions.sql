-- Listings become LIST-partitioned by standard_status: listings_hot holds what buyers search
-- (Active, ComingSoon, Pending, ActiveUnderContract), listings_archive the rest. A status change is an
-- UPDATE of the partition key, which PostgreSQL turns into a move between partitions.
--
-- A primary key of a partitioned table must contain the partition key, so (listing_key,
-- standard_status) alone would let one key exist once per partition. Global uniqueness comes from
-- listing_keys (PK listing_key, one row per listing, carrying its current status): every listings row
-- references its (listing_key, standard_status) row there, so at most one listings row per key can
-- exist. Other tables (media, inquiries) reference listing_keys. See docs/decisions/0005.
--
-- Written generically (columns, indexes and foreign keys are read from the catalog) so that columns,
-- indexes and references that earlier migrations added to listings carry over.

CREATE TABLE listing_keys (
    listing_key      text PRIMARY KEY,
    standard_status  text NOT NULL,
    UNIQUE (listing_key, standard_status)          -- the target of the listings foreign key
);

CREATE TEMPORARY TABLE v30_indexes ON COMMIT DROP AS
    SELECT i.indexname, i.indexdef FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename = 'listings'
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = 'listings'::regclass
                      AND c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass);

CREATE TEMPORARY TABLE v30_references ON COMMIT DROP AS
    SELECT c.conrelid::regclass::text AS tbl, quote_ident(c.conname) AS name, pg_get_constraintdef(c.oid) AS def
    FROM pg_constraint c WHERE c.contype = 'f' AND c.confrelid = 'listings'::regclass;

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM v30_references LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %s', r.tbl, r.name);
    END LOOP;
    FOR r IN SELECT * FROM v30_indexes LOOP
        EXECUTE format('DROP INDEX %I', r.indexname);
    END LOOP;
END $$;

ALTER TABLE listings RENAME TO listings_unpartitioned;
ALTER TABLE listings_unpartitioned RENAME CONSTRAINT listings_pkey TO listings_unpartitioned_pkey;

CREATE TABLE listings (
    LIKE listings_unpartitioned INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS,
    PRIMARY KEY (listing_key, standard_status),
    -- Deferred: a status change updates both rows (the trigger below), and the check must see both.
    -- Referential actions (the delete cascade) are never deferred.
    FOREIGN KEY (listing_key, standard_status) REFERENCES listing_keys (listing_key, standard_status)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
) PARTITION BY LIST (standard_status);

CREATE TABLE listings_hot PARTITION OF listings FOR VALUES IN ('Active', 'ComingSoon', 'Pending', 'ActiveUnderContract');
CREATE TABLE listings_archive PARTITION OF listings FOR VALUES IN ('Closed', 'Expired', 'Withdrawn', 'Canceled');

INSERT INTO listing_keys (listing_key, standard_status) SELECT listing_key, standard_status FROM listings_unpartitioned;

DO $$
DECLARE
    cols text;
BEGIN
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
    FROM pg_attribute
    WHERE attrelid = 'listings_unpartitioned'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '';
    EXECUTE format('INSERT INTO listings (%s) SELECT %s FROM listings_unpartitioned', cols, cols);
END $$;

DROP TABLE listings_unpartitioned;

DO $$
DECLARE
    r record;
BEGIN
    -- The indexes were defined on the plain table; on the partitioned one they cascade to every partition.
    FOR r IN SELECT * FROM v30_indexes LOOP
        EXECUTE replace(r.indexdef, ' ON ONLY ', ' ON ');
    END LOOP;
    FOR r IN SELECT * FROM v30_references LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %s %s', r.tbl, r.name,
                       regexp_replace(r.def, 'REFERENCES (\S*\.)?listings\(', 'REFERENCES \1listing_keys('));
    END LOOP;
END $$;

-- A status change moves the row (DELETE from one partition, INSERT into the other). BEFORE UPDATE
-- fires on the source partition first and gives the key row the new status; both sides of the
-- deferred foreign key are checked at commit, when they agree again. (An ON UPDATE CASCADE would
-- instead move the row from inside this trigger, under the statement that is moving it.)
CREATE FUNCTION listing_key_follows_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE listing_keys SET standard_status = NEW.standard_status WHERE listing_key = NEW.listing_key;
    RETURN NEW;
END $$;

CREATE TRIGGER listings_status_change BEFORE UPDATE OF standard_status ON listings
    FOR EACH ROW WHEN (OLD.standard_status IS DISTINCT FROM NEW.standard_status)
    EXECUTE FUNCTION listing_key_follows_status();

-- A deleted listing releases its key (which cascades to media and inquiries). A move also fires
-- AFTER DELETE on the source partition, but by then the key row carries the new status, so the
-- status condition keeps it.
CREATE FUNCTION listing_key_release() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM listing_keys WHERE listing_key = OLD.listing_key AND standard_status = OLD.standard_status;
    RETURN NULL;
END $$;

CREATE TRIGGER listings_delete_release_key AFTER DELETE ON listings
    FOR EACH ROW EXECUTE FUNCTION listing_key_release();
