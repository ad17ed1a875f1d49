-- The relay now deletes an outbox row once its publish is acknowledged, instead of setting sent_at and purging the row an
-- hour later. Marking rewrote the whole row (its few-KB payload included) and added an entry to every index, for each
-- accepted trace: about a tenth of PostgreSQL's intake cost. The outbox now holds exactly the unsent rows, so sent_at and
-- the two partial indexes on it go; the sweep walks the unique index on seq.
DELETE FROM outbox WHERE sent_at IS NOT NULL;
DROP INDEX IF EXISTS outbox_sent;
DROP INDEX IF EXISTS outbox_unsent;
ALTER TABLE outbox DROP COLUMN sent_at;
