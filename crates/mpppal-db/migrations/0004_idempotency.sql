-- Idempotency keys: the saved response of a mutating request, written in the same transaction as
-- the change it made, so a retry gets that response and never a second change.

CREATE TABLE idempotency_keys (
    operator_id UUID NOT NULL REFERENCES operators (operator_id),
    idempotency_key VARCHAR(128) NOT NULL CHECK (length(idempotency_key) > 0),
    -- What the key was first used for: a retry with another request is refused.
    request_hash BYTEA NOT NULL CHECK (length(request_hash) = 32),
    response_status SMALLINT NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (operator_id, idempotency_key)
);
