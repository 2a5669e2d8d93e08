-- Payment sessions as agents report them, checked against the Settlement Program's session
-- account: who signs the vouchers and who is paid (from chain, never from a report), and the
-- latest voucher the agent signed.

ALTER TABLE mpp_sessions
    ADD COLUMN signer VARCHAR(44) NOT NULL,
    ADD COLUMN payee VARCHAR(44) NOT NULL,
    -- What the payee was paid at close, from the chain.
    ADD COLUMN paid BIGINT CHECK (paid >= 0),
    ADD CONSTRAINT mpp_sessions_paid CHECK ((status = 'settled') = (paid IS NOT NULL));

-- The highest voucher reported per session (vouchers are cumulative, so it is the only one that
-- matters for settlement); replaced only by a higher one.
CREATE TABLE vouchers (
    session_id VARCHAR(64) PRIMARY KEY REFERENCES mpp_sessions (session_id),
    cumulative BIGINT NOT NULL CHECK (cumulative > 0),
    expires_at BIGINT NOT NULL,
    signature BYTEA NOT NULL CHECK (length(signature) = 64),
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
