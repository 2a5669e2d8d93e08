-- The seed's core tables, with money as integers in base units (USDC: 6 decimals) rather than
-- numeric(20,6): every layer of MPPPal counts in u64 base units (ADR 0009).

CREATE TABLE operators (
    operator_id UUID PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TYPE custody_mode AS ENUM ('custodial', 'non_custodial');
CREATE TYPE account_status AS ENUM ('active', 'paused');

CREATE TABLE accounts (
    account_id VARCHAR(64) PRIMARY KEY CHECK (account_id ~ '^acct_[0-9A-Za-z]{8,59}$'),
    operator_id UUID NOT NULL REFERENCES operators (operator_id),
    name VARCHAR(200) NOT NULL,
    -- e.g. @research-agent.mpppal; unique across operators so a handle resolves to one wallet.
    handle VARCHAR(100) UNIQUE CHECK (handle ~ '^@[a-z0-9][a-z0-9-]{0,62}\.mpppal$'),
    solana_address VARCHAR(44) NOT NULL UNIQUE,
    usdc_token_account VARCHAR(44) NOT NULL,
    custody_mode custody_mode NOT NULL,
    status account_status NOT NULL DEFAULT 'active',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX accounts_operator ON accounts (operator_id);

CREATE TYPE transfer_status AS ENUM ('pending', 'settled', 'rejected', 'failed');

CREATE TABLE transfers (
    transfer_id VARCHAR(64) PRIMARY KEY CHECK (transfer_id ~ '^txn_[0-9A-Za-z]{8,60}$'),
    account_id VARCHAR(64) NOT NULL REFERENCES accounts (account_id),
    to_address VARCHAR(44) NOT NULL,
    amount BIGINT NOT NULL CHECK (amount > 0),
    memo VARCHAR(200),
    mpp_session_id VARCHAR(64),
    idempotency_key VARCHAR(128) NOT NULL,
    tx_signature VARCHAR(88),
    status transfer_status NOT NULL DEFAULT 'pending',
    rejection_reason VARCHAR(500),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    settled_at TIMESTAMPTZ,
    UNIQUE (account_id, idempotency_key),
    CHECK ((status = 'settled') = (settled_at IS NOT NULL AND tx_signature IS NOT NULL)),
    CHECK ((status = 'rejected') = (rejection_reason IS NOT NULL))
);
CREATE INDEX transfers_account_created ON transfers (account_id, created_at DESC, transfer_id DESC);

CREATE TYPE session_status AS ENUM ('open', 'settling', 'settled');

CREATE TABLE mpp_sessions (
    session_id VARCHAR(64) PRIMARY KEY CHECK (session_id ~ '^sess_[0-9A-Za-z]{8,59}$'),
    account_id VARCHAR(64) NOT NULL REFERENCES accounts (account_id),
    provider_endpoint VARCHAR(2048) NOT NULL,
    -- The on-chain channel (Session account) this row mirrors.
    channel_address VARCHAR(44) NOT NULL UNIQUE,
    cap BIGINT NOT NULL CHECK (cap > 0),
    running_total BIGINT NOT NULL DEFAULT 0 CHECK (running_total >= 0 AND running_total <= cap),
    status session_status NOT NULL DEFAULT 'open',
    settlement_tx_signature VARCHAR(88),
    opened_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    settled_at TIMESTAMPTZ,
    CHECK ((status = 'settled') = (settled_at IS NOT NULL AND settlement_tx_signature IS NOT NULL))
);
CREATE INDEX mpp_sessions_account ON mpp_sessions (account_id, opened_at DESC);

ALTER TABLE transfers
    ADD CONSTRAINT transfers_session FOREIGN KEY (mpp_session_id) REFERENCES mpp_sessions (session_id);
