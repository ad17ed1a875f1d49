-- The relay deletes rows sent longer ago than the retention; this keeps that delete off a full scan.
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
