-- Issue 9, item 11: the retention job (PgRetention) deletes applied view batches older than its
-- horizon; this index lets it find them without scanning the table. listing_changes is pruned in
-- sequence order through its primary key.
CREATE INDEX applied_batches_applied_at ON applied_batches (applied_at);
