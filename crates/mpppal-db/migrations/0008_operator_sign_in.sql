-- Operators' people signing in with OpenID Connect (ADR 0014): who may act for which operator,
-- and the browser sessions they hold. A session token is never stored, only its SHA-256.

CREATE TABLE operator_members (
    issuer VARCHAR(500) NOT NULL,
    subject VARCHAR(255) NOT NULL,
    operator_id UUID NOT NULL REFERENCES operators (operator_id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX operator_members_operator ON operator_members (operator_id);

CREATE TABLE operator_sessions (
    token_hash BYTEA PRIMARY KEY CHECK (length(token_hash) = 32),
    operator_id UUID NOT NULL REFERENCES operators (operator_id),
    issuer VARCHAR(500) NOT NULL,
    subject VARCHAR(255) NOT NULL,
    email VARCHAR(320),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX operator_sessions_expiry ON operator_sessions (expires_at);
