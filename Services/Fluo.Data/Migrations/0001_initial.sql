-- Fluo's schema. Api writes traces, rules, jobs, exports and the outbox; Backend reads and writes rules,
-- signals, jobs and exports. Ids are UUIDs made by the writer, so retries are idempotent.

CREATE TABLE traces (
    trace_id     text PRIMARY KEY,
    document     jsonb NOT NULL,
    span_count   integer NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX traces_received_at ON traces (received_at DESC);

CREATE TABLE rules (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    severity    text NOT NULL CHECK (severity IN ('info', 'warning', 'error', 'critical')),
    enabled     boolean NOT NULL,
    expression  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1,
    deleted     boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX rules_name ON rules (lower(name)) WHERE NOT deleted;

CREATE TABLE jobs (
    id          uuid PRIMARY KEY,
    type        text NOT NULL CHECK (type IN ('trace_analysis', 'rule_validation', 'data_export')),
    state       text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'dead')),
    subject     text NOT NULL,
    status      jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_created_at ON jobs (created_at DESC);
CREATE INDEX jobs_state ON jobs (state, created_at DESC);

CREATE TABLE signals (
    id                  uuid PRIMARY KEY,
    rule_id             uuid NOT NULL,
    rule_name           text NOT NULL,
    trace_id            text NOT NULL,
    job_id              uuid NOT NULL,
    offending_span_ids  text[] NOT NULL,
    severity            text NOT NULL,
    status              text NOT NULL CHECK (status IN ('open', 'resolved')),
    created_at          timestamptz NOT NULL DEFAULT now(),
    resolved_at         timestamptz,
    resolved_by         text,
    UNIQUE (job_id, rule_id)
);
CREATE INDEX signals_created_at ON signals (created_at DESC);
CREATE INDEX signals_trace ON signals (trace_id);
CREATE INDEX signals_rule ON signals (rule_id, created_at DESC);
CREATE INDEX signals_status ON signals (status, severity);

CREATE TABLE exports (
    id            uuid PRIMARY KEY,
    job_id        uuid NOT NULL,
    format        text NOT NULL CHECK (format IN ('csv', 'json')),
    filter        jsonb NOT NULL,
    completed     boolean NOT NULL DEFAULT false,
    chunks        integer NOT NULL DEFAULT 0,
    rows          bigint NOT NULL DEFAULT 0,
    bytes         bigint NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    completed_at  timestamptz
);

CREATE TABLE export_chunks (
    export_id  uuid NOT NULL REFERENCES exports (id) ON DELETE CASCADE,
    index      integer NOT NULL,
    content    bytea NOT NULL,
    PRIMARY KEY (export_id, index)
);

-- Commands waiting to be published to JetStream. id is the message's Nats-Msg-Id, so a relay that
-- publishes a row twice (crash between publish and mark) is deduplicated by the stream.
CREATE TABLE outbox (
    id          uuid PRIMARY KEY,
    seq         bigserial NOT NULL UNIQUE,
    subject     text NOT NULL,
    payload     bytea NOT NULL,
    headers     jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    attempts    integer NOT NULL DEFAULT 0,
    last_error  text
);
CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;
