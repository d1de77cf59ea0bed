-- Issue 9, item 3: who may change which listing (ADR 0015).
-- A role per account: AGENT and FEED change only the listings they own; BROKER and ADMIN may change
-- any listing, because someone granted them that role explicitly (hexproperty agent create --role).
ALTER TABLE agents ADD COLUMN role text NOT NULL DEFAULT 'AGENT'
    CHECK (role IN ('AGENT', 'FEED', 'BROKER', 'ADMIN'));

-- The MLS feed account owns generated and imported listings (Agent.MLS_FEED_KEY). Its token hash is
-- the hash of random bytes nobody keeps: no bearer token authenticates as the feed.
INSERT INTO agents (agent_key, name, token_hash, role)
VALUES ('AG-MLS-FEED', 'MLS feed',
        sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')),
        'FEED')
ON CONFLICT (agent_key) DO NOTHING;

-- Listings seeded before this version had no owner, which let every agent change them.
UPDATE listings SET list_agent_key = 'AG-MLS-FEED' WHERE list_agent_key IS NULL;
