-- Signals per status and severity, kept up to date by statement triggers on signals. The web front end asks for these
-- counts every second, and counting them from signals read the whole table each time (a parallel sequential scan,
-- growing with every signal ever raised). A statement that writes signals now adds its net change per status and
-- severity, in one upsert; rows are updated in key order, so concurrent writers cannot deadlock on them.
CREATE TABLE signal_counts (
    status    text NOT NULL,
    severity  text NOT NULL,
    n         bigint NOT NULL,
    PRIMARY KEY (status, severity)
);

CREATE FUNCTION signal_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO signal_counts AS c (status, severity, n)
        SELECT status, severity, count(*) FROM new_rows GROUP BY status, severity ORDER BY status, severity
        ON CONFLICT (status, severity) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO signal_counts AS c (status, severity, n)
        SELECT status, severity, sum(delta) FROM (
            SELECT status, severity, 1 AS delta FROM new_rows
            UNION ALL
            SELECT status, severity, -1 FROM old_rows) AS changes
        GROUP BY status, severity HAVING sum(delta) <> 0 ORDER BY status, severity
        ON CONFLICT (status, severity) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO signal_counts AS c (status, severity, n)
        SELECT status, severity, -count(*) FROM old_rows GROUP BY status, severity ORDER BY status, severity
        ON CONFLICT (status, severity) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE
        DELETE FROM signal_counts;
    END IF;
    RETURN NULL;
END $$;

-- No signal may be written between the count below and the triggers taking over.
LOCK TABLE signals IN SHARE ROW EXCLUSIVE MODE;
INSERT INTO signal_counts (status, severity, n) SELECT status, severity, count(*) FROM signals GROUP BY status, severity;

CREATE TRIGGER signal_counts_insert AFTER INSERT ON signals REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION signal_counts_add();
CREATE TRIGGER signal_counts_update AFTER UPDATE ON signals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION signal_counts_add();
CREATE TRIGGER signal_counts_delete AFTER DELETE ON signals REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION signal_counts_add();
CREATE TRIGGER signal_counts_truncate AFTER TRUNCATE ON signals
    FOR EACH STATEMENT EXECUTE FUNCTION signal_counts_add();
