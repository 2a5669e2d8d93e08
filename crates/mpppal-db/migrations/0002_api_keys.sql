-- HMAC-signed API keys. The secret is shown once at creation and never stored: the key used to
-- verify signatures is derived from it (SHA-256) and kept sealed under the master key with
-- AES-256-GCM (ADR 0010).

CREATE TYPE api_key_scope AS ENUM ('read', 'write', 'agent');

CREATE TABLE api_keys (
    key_id VARCHAR(40) PRIMARY KEY CHECK (key_id ~ '^mpk_[0-9A-Za-z]{20}$'),
    operator_id UUID NOT NULL REFERENCES operators (operator_id),
    name VARCHAR(200) NOT NULL,
    scopes api_key_scope[] NOT NULL CHECK (cardinality(scopes) > 0),
    -- nonce (12 bytes) || AES-256-GCM ciphertext of the 32-byte verification key, with the key
    -- id as associated data, so a sealed key copied to another row does not open.
    sealed_key BYTEA NOT NULL CHECK (length(sealed_key) = 60),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_keys_operator ON api_keys (operator_id);
