-- A trace's document and its job's outbox payload (which carries the trace) are a few KB each, written for every
-- accepted trace, so PostgreSQL compresses both on write. lz4 costs a fraction of the default pglz's CPU for a
-- similar size. Rows written before keep their compression; both read the same.
ALTER TABLE traces ALTER COLUMN document SET COMPRESSION lz4;
ALTER TABLE outbox ALTER COLUMN payload SET COMPRESSION lz4;
