-- The settlement worker's durable state (ADR 0017). Redis only carries jobs in flight; whether a
-- job is done, waiting to be retried or dead is recorded here, on its outbox row, so a flushed
-- Redis or a killed worker loses nothing.

ALTER TABLE outbox
    -- Tries so far that ended in an error.
    ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- Not relayed again before this moment (the retry schedule's backoff).
    ADD COLUMN not_before TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD COLUMN last_error VARCHAR(1000),
    ADD COLUMN done_at TIMESTAMPTZ,
    -- Gave up after the retry cap; an operator can replay it.
    ADD COLUMN dead_at TIMESTAMPTZ,
    ADD CHECK (done_at IS NULL OR dead_at IS NULL);

DROP INDEX outbox_waiting;
CREATE INDEX outbox_waiting ON outbox (not_before, outbox_id)
    WHERE enqueued_at IS NULL AND done_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_in_flight ON outbox (enqueued_at)
    WHERE enqueued_at IS NOT NULL AND done_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_dead ON outbox (dead_at DESC) WHERE dead_at IS NOT NULL;

-- A transfer's live settlement attempt. The worker records the signed transaction before it
-- sends it, and makes a new one only once the chain proves the old one can never land (not
-- found after its blockhash expired), so a crash at any point cannot pay twice.
ALTER TABLE transfers
    ADD COLUMN tx_raw BYTEA,
    -- The wallet nonce the attempt expects: once the wallet is past it, the attempt cannot pay.
    ADD COLUMN tx_nonce BIGINT,
    ADD COLUMN tx_last_valid_height BIGINT,
    ADD COLUMN tx_attempts INTEGER NOT NULL DEFAULT 0 CHECK (tx_attempts >= 0),
    -- Why settlement failed for good (status `failed`).
    ADD COLUMN failure_reason VARCHAR(500),
    ADD CHECK ((status = 'failed') = (failure_reason IS NOT NULL));

CREATE INDEX transfers_unsettled ON transfers (created_at) WHERE status = 'pending';

-- Webhook messages still to be delivered: one row per (endpoint, event) until it is delivered or
-- given up; every try is a row of `webhook_deliveries`.
CREATE TABLE webhook_queue (
    endpoint_id VARCHAR(64) NOT NULL REFERENCES webhook_endpoints (endpoint_id),
    event_id BIGINT NOT NULL REFERENCES outbox (outbox_id),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (endpoint_id, event_id)
);
CREATE INDEX webhook_queue_due ON webhook_queue (next_attempt_at);

ALTER TABLE webhook_endpoints
    -- Failed tries since the last delivered one; past the limit the endpoint is disabled.
    ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    -- After a secret rotation, messages carry a signature under the previous secret too until
    -- this moment, so receivers can switch without dropping any.
    ADD COLUMN sealed_previous_secret BYTEA CHECK (length(sealed_previous_secret) = 60),
    ADD COLUMN previous_secret_until TIMESTAMPTZ,
    ADD CHECK ((sealed_previous_secret IS NULL) = (previous_secret_until IS NULL));

-- What the reconciler found between the ledger and the chain: one row per (kind, subject) while
-- the difference lasts, so operators see it once (and get one webhook), not once a minute.
CREATE TABLE reconciliation_differences (
    difference_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    operator_id UUID REFERENCES operators (operator_id),
    kind VARCHAR(64) NOT NULL,
    -- The transfer, account or job it is about.
    subject VARCHAR(64) NOT NULL,
    detail VARCHAR(1000) NOT NULL,
    first_seen TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen TIMESTAMPTZ NOT NULL DEFAULT now(),
    resolved_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX reconciliation_open ON reconciliation_differences (kind, subject)
    WHERE resolved_at IS NULL;
