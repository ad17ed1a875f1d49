-- A trace_analysis job's payload is its trace, which the same transaction stores in traces. Its outbox row now names
-- the trace (trace_id) and holds no payload: the relay's fast path publishes the payload it already has in memory, and
-- the sweep builds it from the stored trace. Storing it twice cost a compressed few-KB value, its WAL and its transfer
-- for every accepted trace. Other jobs and events keep their payload.
ALTER TABLE outbox ALTER COLUMN payload DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN trace_id text;
ALTER TABLE outbox ADD CONSTRAINT outbox_payload_or_trace CHECK (payload IS NOT NULL OR trace_id IS NOT NULL);
