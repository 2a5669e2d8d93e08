"""Verifying MPPPal's webhook deliveries (Standard Webhooks, ADR 0015) into typed events."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import standardwebhooks
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import WebhookVerificationError

EVENT_TYPES = frozenset(
    {
        "transfer.created",
        "transfer.settled",
        "transfer.failed",
        "transfer.rejected",
        "receipts.settled",
        "receipts.failed",
        "escalation.required",
        "session.opened",
        "session.settled",
        "policy.updated",
        "account.paused",
        "account.unpaused",
        "reconciliation.difference",
        "webhook.disabled",
    }
)


class WebhookEvent(BaseModel):
    """One delivered event: `type`, when it happened, and its `data` (`data["subject"]` names
    the transfer, account, session ... it is about). `id` is the `webhook-id` header: the same
    on every retry, so drop duplicates by it."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str
    type: str
    timestamp: str
    data: dict[str, Any]

    @property
    def subject(self) -> str | None:
        value = self.data.get("subject")
        return value if isinstance(value, str) else None


def verify(raw_body: bytes | str, headers: Mapping[str, str], secret: str) -> WebhookEvent:
    """Checks the signature (any of several, during a secret rotation) and the timestamp
    (within 5 minutes), then parses the body. Pass the body exactly as received."""
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        body = standardwebhooks.Webhook(secret).verify(raw_body, lowered)
    except Exception as error:  # the library raises several types, ValueError on bad headers
        raise WebhookVerificationError(f"webhook refused: {error}") from error
    if not isinstance(body, dict):
        raise WebhookVerificationError("webhook body is not a JSON object")
    try:
        return WebhookEvent(id=lowered["webhook-id"], **body)
    except (ValidationError, TypeError) as error:
        raise WebhookVerificationError(f"webhook body is not an MPPPal event: {error}") from error


def sign(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """The `webhook-signature` value MPPPal sends for this message (for tests and replays)."""
    at = datetime.fromtimestamp(timestamp, tz=UTC)
    return str(standardwebhooks.Webhook(secret).sign(msg_id, at, body))


verify_webhook = verify
