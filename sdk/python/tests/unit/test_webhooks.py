from __future__ import annotations

import time

import pytest

from mpppal import WebhookVerificationError, verify_webhook, webhooks

SECRET = "whsec_" + "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa"
BODY = '{"type":"transfer.settled","timestamp":"2026-12-04T00:00:00Z","data":{"subject":"txn_1"}}'


def headers(body: str, *, secret: str = SECRET, at: int | None = None) -> dict[str, str]:
    ts = int(time.time()) if at is None else at
    return {
        "webhook-id": "evt_7",
        "webhook-timestamp": str(ts),
        "webhook-signature": webhooks.sign(secret, "evt_7", ts, body),
    }


def test_a_signed_delivery_verifies_into_a_typed_event() -> None:
    event = verify_webhook(BODY.encode(), headers(BODY), SECRET)
    assert event.type == "transfer.settled"
    assert event.subject == "txn_1"
    assert event.id == "evt_7"


def test_a_rotation_carries_two_signatures_and_either_verifies() -> None:
    h = headers(BODY)
    other = headers(BODY, secret="whsec_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    h["webhook-signature"] = other["webhook-signature"] + " " + h["webhook-signature"]
    assert verify_webhook(BODY, h, SECRET).type == "transfer.settled"


def test_an_altered_body_is_refused() -> None:
    with pytest.raises(WebhookVerificationError):
        verify_webhook(BODY.replace("txn_1", "txn_2"), headers(BODY), SECRET)


def test_a_bad_signature_header_is_refused() -> None:
    h = headers(BODY)
    h["webhook-signature"] = "garbage"
    with pytest.raises(WebhookVerificationError):
        verify_webhook(BODY, h, SECRET)


def test_an_old_delivery_is_refused() -> None:
    with pytest.raises(WebhookVerificationError, match="too old"):
        verify_webhook(BODY, headers(BODY, at=int(time.time()) - 3600), SECRET)
