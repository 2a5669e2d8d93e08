"""The operator API's request signature (ADR 0010, `crates/mpppal-signing`)."""

from __future__ import annotations

import hashlib
import hmac

SCHEME = "MPPPal-HMAC-SHA256"


def canonical(method: str, path: str, query: str, timestamp: int, body: bytes) -> str:
    body_hash = hashlib.sha256(body).hexdigest()
    return f"{method}\n{path}\n{query}\n{timestamp}\n{body_hash}"


def authorization(
    key_id: str, secret: str, method: str, path: str, query: str, timestamp: int, body: bytes
) -> str:
    """`Authorization` for one request: HMAC-SHA256 under SHA-256(secret) of the canonical
    request (the server keeps only that hash, sealed, so it never holds the secret)."""
    key = hashlib.sha256(secret.encode()).digest()
    message = canonical(method, path, query, timestamp, body).encode()
    tag = hmac.new(key, message, hashlib.sha256).hexdigest()
    return f"{SCHEME} KeyId={key_id}, Timestamp={timestamp}, Signature={tag}"
