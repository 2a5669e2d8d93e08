-- Deferred receipts settled by the worker (ADR 0018): accepted receipts are grouped per account
-- and recipient into batches, each one `settle_batch` transaction. A batch records its signed
-- transaction before it is sent, like a transfer's attempt; the on-chain receipt records make a
-- second transaction for the same receipts pay nothing, so a rebuilt batch cannot pay twice.

CREATE TABLE receipt_batches (
    batch_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id VARCHAR(64) NOT NULL REFERENCES accounts (account_id),
    recipient VARCHAR(44) NOT NULL,
    status VARCHAR(16) NOT NULL DEFAULT 'settling'
        CHECK (status IN ('settling', 'settled', 'failed')),
    -- The live attempt: signed before it is sent, replaced only once it can no longer land.
    tx_signature VARCHAR(88),
    tx_raw BYTEA,
    tx_last_valid_height BIGINT,
    tx_attempts INTEGER NOT NULL DEFAULT 0 CHECK (tx_attempts >= 0),
    failure_reason VARCHAR(1000),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ,
    CHECK ((status = 'failed') = (failure_reason IS NOT NULL)),
    CHECK ((status = 'settling') = (finished_at IS NULL))
);
CREATE INDEX receipt_batches_settling ON receipt_batches (created_at) WHERE status = 'settling';

ALTER TABLE receipts
    ADD COLUMN batch_id BIGINT REFERENCES receipt_batches (batch_id),
    -- Why the chain did not settle a receipt (the program's skip reason, or the batch's failure).
    ADD COLUMN rejection_reason VARCHAR(1000),
    ADD COLUMN settled_at TIMESTAMPTZ,
    -- The UTC day whose budget holds the receipt: set for receipts the API signed (custodial
    -- accounts), given back if the receipt does not settle; NULL for receipts agents reported,
    -- which only the chain counted until they settle.
    ADD COLUMN spend_day BIGINT,
    -- Not batched again before this moment: set when the wallet's vault could not cover its
    -- batch, so the receipt waits for funds (until it expires) without a batch every pass.
    ADD COLUMN not_before TIMESTAMPTZ,
    ADD CHECK (status <> 'settling' OR batch_id IS NOT NULL),
    ADD CHECK ((status = 'rejected') = (rejection_reason IS NOT NULL)),
    ADD CHECK ((status = 'settled') = (settled_at IS NOT NULL));
CREATE INDEX receipts_batch ON receipts (batch_id) WHERE batch_id IS NOT NULL;

-- The slot in which a transaction was handed out for a provider to submit (pull mode): the
-- worker's search for it on chain goes back to there, however busy the wallet.
ALTER TABLE transfers ADD COLUMN tx_slot BIGINT;
