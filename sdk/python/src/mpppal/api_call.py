"""One signed call to the operator API, with its retries: written once, run by the sync and
async clients (see effects.py)."""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from . import signing
from .effects import Flow, send, sleep
from .errors import ApiError, InvalidArgumentError

RETRIES = 4
USER_AGENT = "mpppal-python/0.1.0"


class _Timestamps:
    """The API accepts each signed request once, and signatures count seconds: two identical
    requests in one second (a poll, a page read twice) would sign alike and the second would
    be refused as `replayed`. Such a request is signed with the next free second instead,
    well inside the 300 s the server tolerates."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._used: dict[str, int] = {}

    def stamp(self, key_id: str, canonical_without_time: str) -> int:
        now = int(time.time())
        key = f"{key_id}\n{canonical_without_time}"
        with self._lock:
            if len(self._used) > 4096:
                self._used = {k: v for k, v in self._used.items() if v >= now}
            last = self._used.get(key)
            stamp = now if last is None or last < now else last + 1
            self._used[key] = stamp
            return stamp


_timestamps = _Timestamps()


@dataclass(frozen=True)
class ApiCredentials:
    key_id: str
    secret: str
    base_url: str

    def __post_init__(self) -> None:
        if not self.key_id.startswith("mpk_"):
            raise InvalidArgumentError("key_id must be an MPPPal key id (mpk_…)")
        if not self.secret:
            raise InvalidArgumentError("secret must not be empty")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidArgumentError(f"base_url must be an http(s) URL, got {self.base_url!r}")


def _query(params: dict[str, Any] | None) -> str:
    if not params:
        return ""
    return urlencode({k: v for k, v in params.items() if v is not None})


def build(
    api: ApiCredentials,
    method: str,
    path: str,
    *,
    params: dict[str, Any] | None = None,
    body: Any = None,
    idempotency_key: str | None = None,
    now: int | None = None,
) -> httpx.Request:
    """A signed request; each attempt is signed anew (the server refuses an exact replay)."""
    base = urlsplit(api.base_url)
    full_path = base.path.rstrip("/") + path
    query = _query(params)
    raw = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
    if now is None:
        digest = hashlib.sha256(raw).hexdigest()
        timestamp = _timestamps.stamp(api.key_id, f"{method}\n{full_path}\n{query}\n{digest}")
    else:
        timestamp = now
    headers = {
        "authorization": signing.authorization(
            api.key_id, api.secret, method, full_path, query, timestamp, raw
        ),
        "user-agent": USER_AGENT,
        "accept": "application/json",
    }
    if body is not None:
        headers["content-type"] = "application/json"
    if idempotency_key is not None:
        headers["idempotency-key"] = idempotency_key
    url = f"{base.scheme}://{base.netloc}{full_path}" + (f"?{query}" if query else "")
    return httpx.Request(method, url, headers=headers, content=raw)


def problem(response: httpx.Response) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    code = str(body.get("code") or f"http_{response.status_code}")
    detail = str(body.get("detail") or body.get("title") or response.reason_phrase)
    return ApiError(response.status_code, code, detail, body)


def _retry_after(response: httpx.Response | None, attempt: int) -> float:
    if response is not None:
        header = response.headers.get("retry-after")
        if header and header.isdigit():
            return float(min(int(header), 30))
    # At least a second, so the retried request carries a new timestamp and signature.
    return float(2**attempt) + random.random() * 0.25


def call(
    api: ApiCredentials,
    method: str,
    path: str,
    *,
    params: dict[str, Any] | None = None,
    body: Any = None,
    expect: tuple[int, ...] = (200,),
    mutation: bool | None = None,
    idempotency_key: str | None = None,
) -> Flow[httpx.Response]:
    """Sends until the API answers something other than a network error, 429 or 5xx (at most
    `RETRIES` more times, backing off). A mutation carries one `Idempotency-Key` on every
    attempt, so a retry whose first attempt did land replays that answer instead of acting
    twice. Answers outside `expect` raise `ApiError`."""
    is_mutation = method != "GET" if mutation is None else mutation
    key = idempotency_key or (str(uuid.uuid4()) if is_mutation else None)
    attempt = 0
    while True:
        response: httpx.Response | None = None
        try:
            response = yield from send(
                build(api, method, path, params=params, body=body, idempotency_key=key)
            )
        except httpx.TransportError:
            if attempt >= RETRIES:
                raise
        if response is not None:
            retryable = response.status_code == 429 or response.status_code >= 500
            if not retryable or attempt >= RETRIES:
                if response.status_code not in expect:
                    raise problem(response)
                return response
        yield from sleep(_retry_after(response, attempt))
        attempt += 1
