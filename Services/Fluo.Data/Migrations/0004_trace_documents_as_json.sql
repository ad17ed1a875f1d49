-- A trace's document is stored and read whole, never queried inside. json keeps the text as written (after checking
-- that it is JSON), where jsonb parses it into its binary form on every write and prints it back on every read: for
-- the few-KB document of each accepted trace that was about 15% of PostgreSQL's intake cost. Existing rows are
-- rewritten once; a new type drops the column's compression setting, so lz4 (0003) is set again in the same command.
ALTER TABLE traces ALTER COLUMN document TYPE json USING document::json, ALTER COLUMN document SET COMPRESSION lz4;
