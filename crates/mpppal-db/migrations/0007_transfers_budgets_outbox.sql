-- Direct transfers as the API takes them (ADR 0013): the day's budget reserved atomically, payments
-- above the escalation threshold waiting for an operator, and the outbox that hands settlement to
-- the worker in the same transaction as the transfer itself.

-- A transfer above the escalation threshold waits here until an operator approves it.
ALTER TYPE transfer_status ADD VALUE 'pending_approval' BEFORE 'pending';

ALTER TABLE transfers
    ADD COLUMN category VARCHAR(32),
    -- The UTC day index (unix seconds / 86400) whose budget this transfer reserved.
    ADD COLUMN spend_day BIGINT NOT NULL,
    -- The operator approved it above the escalation threshold: the owner co-signs on chain.
    ADD COLUMN owner_cosigned BOOLEAN NOT NULL DEFAULT false;

-- What the API has reserved against each account's `max_daily_spend`, per UTC day. A reservation
-- only goes in when it fits (a conditional upsert: concurrent payments queue on the row), and a
-- payment that will not happen (denied, expired, failed) gives its amount back.
CREATE TABLE daily_spend (
    account_id VARCHAR(64) NOT NULL REFERENCES accounts (account_id),
    day BIGINT NOT NULL,
    reserved BIGINT NOT NULL CHECK (reserved >= 0),
    PRIMARY KEY (account_id, day)
);

CREATE TYPE escalation_status AS ENUM ('pending', 'approved', 'denied', 'expired');

CREATE TABLE escalations (
    escalation_id VARCHAR(64) PRIMARY KEY CHECK (escalation_id ~ '^esc_[0-9A-Za-z]{8,59}$'),
    transfer_id VARCHAR(64) NOT NULL UNIQUE REFERENCES transfers (transfer_id),
    account_id VARCHAR(64) NOT NULL REFERENCES accounts (account_id),
    amount BIGINT NOT NULL CHECK (amount > 0),
    threshold BIGINT NOT NULL CHECK (threshold > 0 AND threshold < amount),
    status escalation_status NOT NULL DEFAULT 'pending',
    -- Denied automatically from this moment if no operator decided.
    expires_at TIMESTAMPTZ NOT NULL,
    decided_by VARCHAR(64),
    decided_at TIMESTAMPTZ,
    note VARCHAR(500),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX escalations_pending ON escalations (expires_at) WHERE status = 'pending';
CREATE INDEX escalations_account ON escalations (account_id, created_at DESC);

-- Work for the settlement worker, written in the transaction that makes it necessary, so a job
-- can never be lost between a commit and an enqueue. The worker's relay moves rows to the Redis
-- queue and stamps `enqueued_at`; jobs are idempotent, so a row relayed twice does no harm.
CREATE TABLE outbox (
    outbox_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind VARCHAR(64) NOT NULL,
    subject VARCHAR(64) NOT NULL,
    payload JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    enqueued_at TIMESTAMPTZ
);
CREATE INDEX outbox_waiting ON outbox (outbox_id) WHERE enqueued_at IS NULL;
