"""MPPPal for Python: agents pay HTTP 402 (MPP) services from MPPPal wallets with httpx, and
operators drive the MPPPal API. See README.md."""

from . import models, programs, pympp_method, webhooks
from .api_call import ApiCredentials
from .client import AgentWallet, AsyncClient, AsyncPaymentTransport, Client, PaymentTransport
from .custodial_payer import CustodialAccount
from .errors import (
    ApiError,
    ChainError,
    ChallengeRejectedError,
    InvalidArgumentError,
    MppPalError,
    PaymentFailedError,
    PaymentRefusedError,
    WebhookVerificationError,
)
from .offers import Offer
from .operator_client import AsyncMppPal, MppPal
from .payer import PaymentInfo, payment_of
from .policy import Policy, evaluate
from .reporter import ApiReporter, Delivered, Reporter
from .webhooks import WebhookEvent, verify_webhook

# The names issue 18 uses, for the same classes.
Operator = MppPal
AsyncOperator = AsyncMppPal
PaymentRefused = PaymentRefusedError
ChallengeRejected = ChallengeRejectedError

__all__ = [
    "AgentWallet",
    "ApiCredentials",
    "ApiError",
    "ApiReporter",
    "AsyncClient",
    "AsyncMppPal",
    "AsyncOperator",
    "AsyncPaymentTransport",
    "ChainError",
    "ChallengeRejected",
    "ChallengeRejectedError",
    "Client",
    "CustodialAccount",
    "Delivered",
    "InvalidArgumentError",
    "MppPal",
    "MppPalError",
    "Offer",
    "Operator",
    "PaymentFailedError",
    "PaymentInfo",
    "PaymentRefused",
    "PaymentRefusedError",
    "PaymentTransport",
    "Policy",
    "Reporter",
    "WebhookEvent",
    "WebhookVerificationError",
    "evaluate",
    "models",
    "payment_of",
    "programs",
    "pympp_method",
    "verify_webhook",
    "webhooks",
]
