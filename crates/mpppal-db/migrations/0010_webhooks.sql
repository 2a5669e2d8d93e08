-- Webhook endpoints operators register, and one row per delivery attempt (Standard Webhooks;
-- the worker signs and sends, ADR 0015). Events come from the outbox (`kind = 'event'`).

CREATE TYPE webhook_status AS ENUM ('enabled', 'disabled');

CREATE TABLE webhook_endpoints (
    endpoint_id VARCHAR(64) PRIMARY KEY CHECK (endpoint_id ~ '^whk_[0-9A-Za-z]{8,59}$'),
    operator_id UUID NOT NULL REFERENCES operators (operator_id),
    url VARCHAR(2048) NOT NULL CHECK (url ~ '^https?://'),
    -- Event types delivered; empty means every type.
    events VARCHAR(64)[] NOT NULL,
    -- The signing secret's 32 bytes, sealed under the master key with `webhook:<endpoint id>`.
    sealed_secret BYTEA NOT NULL CHECK (length(sealed_secret) = 60),
    status webhook_status NOT NULL DEFAULT 'enabled',
    -- Why it was disabled (by the operator, or by the worker after sustained failure).
    disabled_reason VARCHAR(500),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((status = 'disabled') = (disabled_reason IS NOT NULL))
);
CREATE INDEX webhook_endpoints_operator ON webhook_endpoints (operator_id, created_at DESC);

CREATE TYPE delivery_status AS ENUM ('pending', 'delivered', 'failed');

CREATE TABLE webhook_deliveries (
    delivery_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id VARCHAR(64) NOT NULL REFERENCES webhook_endpoints (endpoint_id),
    -- The event (its outbox row); its `webhook-id` is derived from this, the same on every try.
    event_id BIGINT NOT NULL REFERENCES outbox (outbox_id),
    attempt INTEGER NOT NULL CHECK (attempt > 0),
    status delivery_status NOT NULL,
    response_status SMALLINT,
    error VARCHAR(500),
    attempted_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    next_attempt_at TIMESTAMPTZ,
    UNIQUE (endpoint_id, event_id, attempt)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
