-- Wallets as the API creates them (ADR 0012): each operator's owner key, the keys behind every
-- account, and the versioned mirror of each wallet's on-chain policy.

-- The key that owns an operator's wallets on chain. Its 32-byte Ed25519 seed is sealed under the
-- master key (nonce || AES-256-GCM ciphertext || tag), with `owner:<operator id>` as associated data.
CREATE TABLE operator_owners (
    operator_id UUID PRIMARY KEY REFERENCES operators (operator_id),
    owner_address VARCHAR(44) NOT NULL UNIQUE,
    sealed_seed BYTEA NOT NULL CHECK (length(sealed_seed) = 60),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- An account's wallet: the key its PDA derives from, the agent key that signs its payments and,
-- for custodial accounts only, that key's seed sealed with `agent:<account id>`.
ALTER TABLE accounts
    ADD COLUMN wallet_key VARCHAR(44) NOT NULL UNIQUE,
    ADD COLUMN agent_address VARCHAR(44) NOT NULL,
    ADD COLUMN sealed_agent_seed BYTEA CHECK (length(sealed_agent_seed) = 60),
    ADD CONSTRAINT accounts_custody_seed
        CHECK ((custody_mode = 'custodial') = (sealed_agent_seed IS NOT NULL));
CREATE INDEX accounts_operator_created ON accounts (operator_id, created_at DESC, account_id DESC);

-- One row per on-chain policy version of a wallet (`version` is the wallet's `policy_version`):
-- creation, every replacement and every pause or unpause. The newest row is the policy in force.
CREATE TABLE policies (
    account_id VARCHAR(64) NOT NULL REFERENCES accounts (account_id),
    version INTEGER NOT NULL CHECK (version > 0),
    max_single_transfer BIGINT NOT NULL CHECK (max_single_transfer > 0),
    max_daily_spend BIGINT NOT NULL CHECK (max_daily_spend >= max_single_transfer),
    allowed_counterparties VARCHAR(44)[] NOT NULL CHECK (cardinality(allowed_counterparties) <= 16),
    categories VARCHAR(32)[] NOT NULL CHECK (cardinality(categories) <= 8),
    require_memo BOOLEAN NOT NULL,
    escalation_threshold BIGINT CHECK (escalation_threshold > 0),
    paused BOOLEAN NOT NULL,
    -- The transaction that wrote this version on chain.
    tx_signature VARCHAR(88) NOT NULL,
    -- The API key (or `cli`) that made the change.
    changed_by VARCHAR(64) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, version)
);
