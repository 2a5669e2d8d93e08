-- One-time sign-in links (`mpppal operator login-link`), for servers with no identity provider.
-- A link's token is its id and an HMAC of that id under a key derived from the master key, so
-- this table alone (read or written) lets nobody sign in; a link works once, for minutes.

CREATE TABLE login_links (
    link_id VARCHAR(64) PRIMARY KEY CHECK (link_id ~ '^[0-9a-f]{32}$'),
    operator_id UUID NOT NULL REFERENCES operators (operator_id),
    subject VARCHAR(255) NOT NULL CHECK (length(subject) > 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL CHECK (expires_at > created_at),
    used_at TIMESTAMPTZ
);
