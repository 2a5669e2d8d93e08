"""Every error the SDK raises, rooted at one base class so callers can catch them all."""

from __future__ import annotations

from typing import Any


class MppPalError(Exception):
    """Base of every error raised by `mpppal`."""


class InvalidArgumentError(MppPalError, ValueError):
    """A caller passed something unusable (a bad key, a negative amount, ...)."""


class PaymentRefusedError(MppPalError):
    """The payment was refused before anything was signed.

    `reason` is the policy's code (`over_daily_limit`, `wallet_paused`, ...), or one of
    `escalation_required`, `insufficient_balance`, `vetoed`, `not_approved`.
    """

    def __init__(self, reason: str, message: str, **details: Any) -> None:
        super().__init__(f"payment refused ({reason}): {message}")
        self.reason = reason
        self.message = message
        self.details = details


class ChallengeRejectedError(MppPalError):
    """No challenge of the 402 could be paid (wrong currency, unknown program, origin not
    allowed, price above the caller's maximum, ...): nothing was signed."""

    def __init__(self, message: str) -> None:
        super().__init__(f"no payable challenge: {message}")
        self.message = message


class PaymentFailedError(MppPalError):
    """The server refused a payment the client made, or building it failed.

    `signature` is set when the money already moved (push mode): the transaction that paid.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int = 0,
        kind: str = "",
        detail: str = "",
        signature: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.detail = detail
        self.signature = signature


class ChainError(MppPalError):
    """The Solana JSON-RPC node failed or refused a request."""


class ApiError(MppPalError):
    """The MPPPal operator API answered with a problem (RFC 9457)."""

    def __init__(self, status: int, code: str, detail: str, body: dict[str, Any]) -> None:
        super().__init__(f"MPPPal API {status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.body = body

    @property
    def reason(self) -> str | None:
        """The policy's reason code on `payment_denied` / `invalid_policy`."""
        value = self.body.get("reason")
        return value if isinstance(value, str) else None


class WebhookVerificationError(MppPalError):
    """A webhook's signature, timestamp or body is not acceptable."""
