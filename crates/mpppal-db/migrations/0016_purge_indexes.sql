-- `mpppal serve` deletes rows past their use (mpppal-db's purge module): these indexes find them
-- without reading the tables whole.

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
CREATE INDEX operator_sessions_expires ON operator_sessions (expires_at);
CREATE INDEX login_links_expires ON login_links (expires_at);
