"""MPP challenges, credentials and receipts on the wire. Parsing is pympp's; credentials are
encoded here so that their bytes are the Rust SDK's own (pympp sorts JSON keys, the Rust SDK
keeps field order; servers accept both, the shared vectors compare bytes)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import mpp
from mpp._parsing import ParseError

from .errors import InvalidArgumentError

_CHALLENGE_START = re.compile(r"(?:^|,)\s*(?=payment\s)", re.IGNORECASE)
_OPAQUE = re.compile(r'(?:^|[\s,])opaque\s*=\s*"?([A-Za-z0-9_-]*)"?')


@dataclass(frozen=True)
class Challenge:
    """One `WWW-Authenticate: Payment` challenge, with the raw `opaque` kept for its echo."""

    inner: mpp.Challenge
    opaque_b64: str | None

    @property
    def id(self) -> str:
        return self.inner.id

    @property
    def method(self) -> str:
        return self.inner.method

    @property
    def intent(self) -> str:
        return self.inner.intent

    @property
    def request(self) -> dict[str, Any]:
        return self.inner.request

    @property
    def header(self) -> str:
        """The header the credential goes in (`Authorization` unless the server asks for
        another, e.g. `Payment-Authorization`)."""
        return self.inner.credential_header

    def expires_at(self) -> datetime | None:
        """When the challenge expires (None: never); unreadable counts as already expired."""
        if not self.inner.expires:
            return None
        return parse_time(self.inner.expires)

    def expired(self, now: datetime | None = None) -> bool:
        at = self.expires_at()
        return at is not None and at <= (now or datetime.now(UTC))

    def echo(self) -> dict[str, Any]:
        """The challenge echo, in the Rust `ChallengeEcho` field order."""
        c = self.inner
        echo: dict[str, Any] = {
            "id": c.id,
            "realm": c.realm,
            "method": c.method,
            "intent": c.intent,
            "request": c.request_b64,
        }
        if c.expires is not None:
            echo["expires"] = c.expires
        if c.description is not None:
            echo["description"] = c.description
        if c.digest is not None:
            echo["digest"] = c.digest
        if self.opaque_b64 is not None:
            echo["opaque"] = self.opaque_b64
        if c.header is not None:
            echo["header"] = c.header
        return echo


_FRACTION = re.compile(r"\.(\d+)")


def parse_time(text: str) -> datetime:
    """An RFC 3339 time; fractions beyond microseconds (servers may send nanoseconds) are cut,
    and anything unreadable is the epoch, so that it counts as past."""
    cleaned = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text.strip(), count=1)
    try:
        at = datetime.fromisoformat(cleaned.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return datetime.fromtimestamp(0, UTC)
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def parse_challenge(header: str) -> Challenge:
    """One challenge; `InvalidArgumentError` when it does not parse."""
    try:
        inner = mpp.Challenge.from_www_authenticate(header)
    except (ParseError, ValueError) as error:
        raise InvalidArgumentError(f"unreadable Payment challenge: {error}") from error
    found = _OPAQUE.search(header[len("payment ") :])
    return Challenge(inner, found.group(1) if found and inner.opaque is not None else None)


def parse_challenges(headers: Iterable[str]) -> list[Challenge]:
    """Every Payment challenge of a 402's `WWW-Authenticate` headers, skipping unreadable ones
    (a server may offer methods this SDK does not know)."""
    out: list[Challenge] = []
    for value in headers:
        starts = [m.end() for m in _CHALLENGE_START.finditer(value)]
        for i, start in enumerate(starts):
            end = len(value) if i + 1 == len(starts) else value.rfind(",", 0, starts[i + 1])
            part = value[start:end].strip()
            try:
                out.append(parse_challenge(part))
            except InvalidArgumentError:
                continue
    return out


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def encode_json(value: Any) -> bytes:
    """Compact JSON as serde_json writes it: insertion order, UTF-8 unescaped."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def format_authorization(
    challenge: Challenge, payload: dict[str, Any], source: str | None = None
) -> str:
    """`Payment <base64url(JSON)>` carrying `payload` for `challenge`."""
    credential: dict[str, Any] = {"challenge": challenge.echo()}
    if source is not None:
        credential["source"] = source
    credential["payload"] = payload
    return "Payment " + _b64url(encode_json(credential))


@dataclass(frozen=True)
class PaymentReceipt:
    """The server's `Payment-Receipt`, parsed by pympp; `fields` holds every field sent."""

    inner: mpp.Receipt
    fields: dict[str, Any]

    @property
    def reference(self) -> str:
        return self.inner.reference

    @property
    def method(self) -> str:
        return self.inner.method

    @property
    def timestamp(self) -> datetime:
        return self.inner.timestamp


def parse_receipt(header: str) -> PaymentReceipt | None:
    """The receipt, or None when the header is missing or unreadable."""
    try:
        inner = mpp.Receipt.from_payment_receipt(header)
        padded = header.strip() + "=" * (-len(header.strip()) % 4)
        fields = json.loads(base64.urlsafe_b64decode(padded))
    except (ParseError, ValueError):
        return None
    return PaymentReceipt(inner, fields if isinstance(fields, dict) else {})
