-- HexProperty schema, version 1. Column names are the RESO Data Dictionary names in snake_case.

CREATE TABLE agents (
    agent_key   text PRIMARY KEY,
    name        text NOT NULL,
    token_hash  bytea NOT NULL UNIQUE,          -- SHA-256 of the bearer token; the token is never stored
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE listings (
    listing_key              text PRIMARY KEY,
    listing_id               text NOT NULL,
    standard_status          text NOT NULL,
    list_price               bigint NOT NULL CHECK (list_price >= 0),
    property_type            text NOT NULL,
    bedrooms_total           integer NOT NULL CHECK (bedrooms_total >= 0),
    bathrooms_total_integer  integer NOT NULL CHECK (bathrooms_total_integer >= 0),
    living_area              integer NOT NULL CHECK (living_area >= 0),
    unparsed_address         text NOT NULL,
    city                     text NOT NULL,
    state_or_province        text NOT NULL,
    postal_code              text NOT NULL,
    latitude                 double precision NOT NULL,
    longitude                double precision NOT NULL,
    h3_r7                    bigint NOT NULL,
    h3_r9                    bigint NOT NULL,
    listing_contract_date    date NOT NULL,
    modification_timestamp   timestamptz NOT NULL,
    photos_count             integer NOT NULL DEFAULT 0,
    public_remarks           text,
    list_agent_key           text,
    version                  bigint NOT NULL DEFAULT 1,
    search_text              tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', unparsed_address || ' ' || city || ' ' || coalesce(public_remarks, ''))) STORED
);

CREATE TABLE media (
    listing_key   text NOT NULL REFERENCES listings ON DELETE CASCADE,
    media_order   integer NOT NULL,
    media_url     text NOT NULL,
    width         integer NOT NULL,
    height        integer NOT NULL,
    caption       text,
    PRIMARY KEY (listing_key, media_order)
);

CREATE TABLE inquiries (
    id           bigserial PRIMARY KEY,
    listing_key  text NOT NULL REFERENCES listings ON DELETE CASCADE,
    name         text NOT NULL,
    email        text NOT NULL,
    message      text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inquiries_listing ON inquiries (listing_key, created_at);

-- Outbox: one row per committed listing change. The sequence comes from a single counter row that
-- each writing transaction updates, so sequence order is commit order and has no gaps.
CREATE TABLE change_sequence (
    id    integer PRIMARY KEY CHECK (id = 1),
    last  bigint NOT NULL
);
INSERT INTO change_sequence VALUES (1, 0);

CREATE TABLE listing_changes (
    seq                bigint PRIMARY KEY,
    listing_key        text NOT NULL,
    version            bigint NOT NULL,
    kind               text NOT NULL CHECK (kind IN ('UPSERT', 'DELETE')),
    city               text NOT NULL,
    state_or_province  text NOT NULL,
    h3_r7              bigint NOT NULL,
    committed_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE FUNCTION notify_listing_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('listing_changes', NEW.seq::text);
    RETURN NULL;
END $$;

CREATE TRIGGER listing_changes_notify AFTER INSERT ON listing_changes
    FOR EACH ROW EXECUTE FUNCTION notify_listing_change();
