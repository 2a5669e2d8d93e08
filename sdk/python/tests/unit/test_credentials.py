"""Challenges in, credentials out: what pympp (a server's view) reads back."""

from __future__ import annotations

import base64
import json

import mpp
import pytest

from mpppal import InvalidArgumentError
from mpppal.credentials import format_authorization, parse_challenge, parse_challenges

REQUEST = {"amount": "2500", "currency": "USDC", "recipient": "x", "methodDetails": {"a": 1}}


def issued(intent: str = "charge", **extra: str) -> str:
    challenge = mpp.Challenge.create(
        secret_key="a-server-secret-of-at-least-32-bytes!", realm="api.test", method="solana",
        intent=intent, request=REQUEST, expires="2099-01-01T00:00:00Z",
        meta={"nonce": "n1"}, **extra,
    )  # fmt: skip
    return challenge.to_www_authenticate("api.test")


def test_a_credential_echoes_the_challenge_as_issued() -> None:
    challenge = parse_challenge(issued())
    header = format_authorization(challenge, {"type": "signature", "signature": "s"})
    credential = mpp.Credential.from_authorization(header)
    assert credential.payload == {"type": "signature", "signature": "s"}
    echo = credential.challenge
    assert (echo.id, echo.realm, echo.intent) == (challenge.id, "api.test", "charge")
    server_side = mpp.Challenge.from_www_authenticate(issued())
    assert echo.request == server_side.request_b64
    assert echo.opaque == server_side.to_echo().opaque


def test_credential_json_keeps_the_rust_field_order() -> None:
    challenge = parse_challenge(issued())
    header = format_authorization(challenge, {"type": "receipt", "wallet": "w", "expiresAt": 1})
    raw = header.removeprefix("Payment ")
    decoded = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    assert list(decoded) == ["challenge", "payload"]
    assert list(decoded["challenge"]) == [
        "id", "realm", "method", "intent", "request", "expires", "opaque",
    ]  # fmt: skip
    assert list(decoded["payload"]) == ["type", "wallet", "expiresAt"]


def test_a_challenge_asking_for_another_header_is_answered_there() -> None:
    challenge = parse_challenge(issued(header="Payment-Authorization"))
    assert challenge.header == "Payment-Authorization"


def test_several_challenges_in_one_header_and_unknown_ones_are_skipped() -> None:
    joined = issued("charge") + ", " + issued("session")
    found = parse_challenges([joined, 'Payment id="x"', "Bearer realm=other"])
    assert [c.intent for c in found] == ["charge", "session"]


def test_an_unreadable_challenge_is_a_typed_error() -> None:
    with pytest.raises(InvalidArgumentError):
        parse_challenge('Payment id="only"')


def test_expiry_times_with_nanoseconds_are_read() -> None:
    from mpppal.credentials import parse_time

    assert parse_time("2099-01-01T00:00:00.123456789Z").year == 2099
    assert parse_time("garbage").year == 1970
