-- Who did what, in order, provably untouched: every row carries the hash of the row before it
-- (ADR 0011). `mpppal audit verify` recomputes the chain and names the first row that breaks it.

CREATE TABLE audit_log (
    -- 1, 2, 3 … without gaps: assigned under the chain's lock, so a missing row shows.
    seq BIGINT PRIMARY KEY CHECK (seq > 0),
    at TIMESTAMPTZ NOT NULL,
    operator_id UUID REFERENCES operators (operator_id),
    -- An API key id, "cli", or "system".
    actor VARCHAR(100) NOT NULL,
    action VARCHAR(100) NOT NULL,
    subject VARCHAR(200) NOT NULL,
    -- JSON kept as the exact text that was hashed (JSONB would re-format it).
    details TEXT NOT NULL,
    prev_hash BYTEA NOT NULL CHECK (length(prev_hash) = 32),
    hash BYTEA NOT NULL CHECK (length(hash) = 32)
);
CREATE INDEX audit_log_operator ON audit_log (operator_id, seq);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
