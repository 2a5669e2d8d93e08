-- Deferred receipts reported by agents' SDKs (or providers), one per (account, challenge id),
-- waiting for the settlement worker's `settle_batch`. The fields are those the Settlement
-- Program verifies on chain (docs/receipts.md).

CREATE TYPE receipt_status AS ENUM ('accepted', 'settling', 'settled', 'rejected', 'expired');

CREATE TABLE receipts (
    receipt_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id VARCHAR(64) NOT NULL REFERENCES accounts (account_id),
    challenge_id VARCHAR(256) NOT NULL CHECK (length(challenge_id) > 0),
    challenge_hash BYTEA NOT NULL CHECK (length(challenge_hash) = 32),
    wallet VARCHAR(44) NOT NULL,
    recipient VARCHAR(44) NOT NULL,
    mint VARCHAR(44) NOT NULL,
    amount BIGINT NOT NULL CHECK (amount > 0),
    category BYTEA NOT NULL CHECK (length(category) = 32),
    expires_at TIMESTAMPTZ NOT NULL,
    signature BYTEA NOT NULL CHECK (length(signature) = 64),
    status receipt_status NOT NULL DEFAULT 'accepted',
    settlement_tx_signature VARCHAR(88),
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, challenge_id)
);
-- The worker takes accepted receipts oldest first, per wallet.
CREATE INDEX receipts_accepted ON receipts (wallet, received_at) WHERE status = 'accepted';
