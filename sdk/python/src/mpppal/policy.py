"""The wallet policy and its verdicts: the same rules, in the same order, as
`crates/mpppal-policy` (which the Policy Program runs on chain). The client evaluates them
before signing, so a payment the chain would refuse is never signed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from solders.pubkey import Pubkey

from .amounts import i64, u64

SECONDS_PER_DAY = 86_400
MAX_MEMO_LEN = 200
MAX_COUNTERPARTIES = 16
MAX_CATEGORIES = 8
MAX_CATEGORY_LEN = 32

# Rust's `str::trim` strips Unicode White_Space, which differs from `str.isspace` (the latter
# also counts U+001C..U+001F); a blank memo must be judged blank exactly as on chain.
_WHITE_SPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

PolicyErrorCode = Literal[
    "zero_daily_limit",
    "zero_single_limit",
    "single_above_daily",
    "too_many_counterparties",
    "duplicate_counterparty",
    "too_many_categories",
    "invalid_category",
    "duplicate_category",
    "zero_escalation_threshold",
]

DenyCode = Literal[
    "wallet_paused",
    "zero_amount",
    "over_single_transfer_limit",
    "over_daily_limit",
    "counterparty_not_allowed",
    "category_not_allowed",
    "memo_required",
    "memo_too_long",
]


def utc_day(unix_timestamp: int) -> int:
    return unix_timestamp // SECONDS_PER_DAY


@dataclass(frozen=True)
class SpendState:
    """What the wallet spent on UTC day `day`."""

    day: int = 0
    spent: int = 0

    def spent_at(self, now: int) -> int:
        return self.spent if utc_day(now) == self.day else 0

    def remaining(self, max_daily_spend: int, now: int) -> int:
        return max(0, max_daily_spend - self.spent_at(now))


@dataclass(frozen=True)
class Policy:
    max_single_transfer: int
    max_daily_spend: int
    allowed_counterparties: tuple[Pubkey, ...] = ()
    categories: tuple[str, ...] = ()
    require_memo: bool = False
    escalation_threshold: int | None = None
    paused: bool = False

    def __post_init__(self) -> None:
        u64("max_single_transfer", self.max_single_transfer)
        u64("max_daily_spend", self.max_daily_spend)
        if self.escalation_threshold is not None:
            u64("escalation_threshold", self.escalation_threshold)

    def validate(self) -> PolicyErrorCode | None:
        """The first rule the policy breaks (the program's `InvalidPolicy` reasons), or None."""
        if self.max_daily_spend == 0:
            return "zero_daily_limit"
        if self.max_single_transfer == 0:
            return "zero_single_limit"
        if self.max_single_transfer > self.max_daily_spend:
            return "single_above_daily"
        if len(self.allowed_counterparties) > MAX_COUNTERPARTIES:
            return "too_many_counterparties"
        if len(set(self.allowed_counterparties)) != len(self.allowed_counterparties):
            return "duplicate_counterparty"
        if len(self.categories) > MAX_CATEGORIES:
            return "too_many_categories"
        if not all(_valid_category(c) for c in self.categories):
            return "invalid_category"
        if len(set(self.categories)) != len(self.categories):
            return "duplicate_category"
        if self.escalation_threshold == 0:
            return "zero_escalation_threshold"
        return None

    def allows_counterparty(self, counterparty: Pubkey) -> bool:
        return not self.allowed_counterparties or counterparty in self.allowed_counterparties

    def allows_category(self, category: str | None) -> bool:
        if not self.categories:
            return True
        return category is not None and category in self.categories


def _valid_category(category: str) -> bool:
    raw = category.encode()
    return 1 <= len(raw) <= MAX_CATEGORY_LEN and all(
        0x61 <= b <= 0x7A or 0x30 <= b <= 0x39 or b in (0x5F, 0x2D) for b in raw
    )


@dataclass(frozen=True)
class Payment:
    amount: int
    counterparty: Pubkey
    category: str | None = None
    memo: str | None = None
    owner_cosigned: bool = False

    def __post_init__(self) -> None:
        u64("amount", self.amount)


@dataclass(frozen=True)
class Allow:
    decision: Literal["allow"] = "allow"


@dataclass(frozen=True)
class Escalate:
    threshold: int
    decision: Literal["escalate"] = "escalate"
    reason: Literal["above_threshold"] = "above_threshold"

    def describe(self) -> str:
        return (
            f"the amount is above escalation_threshold ({self.threshold} base units) "
            "and needs the owner's co-signature"
        )


@dataclass(frozen=True)
class Deny:
    code: DenyCode
    limit: int | None = None
    remaining: int | None = None
    decision: Literal["deny"] = "deny"

    def describe(self) -> str:
        match self.code:
            case "wallet_paused":
                return "the wallet is paused"
            case "zero_amount":
                return "the amount is zero"
            case "over_single_transfer_limit":
                return f"the amount is above max_single_transfer ({self.limit} base units)"
            case "over_daily_limit":
                return (
                    f"the payment would exceed max_daily_spend ({self.limit} base units; "
                    f"{self.remaining} left today)"
                )
            case "counterparty_not_allowed":
                return "the recipient is not an allowed counterparty"
            case "category_not_allowed":
                return "the category is missing or not allowed"
            case "memo_required":
                return "the policy requires a memo"
            case "memo_too_long":
                return "the memo is longer than 200 bytes"


Verdict = Allow | Escalate | Deny


def evaluate(policy: Policy, spend: SpendState, payment: Payment, now: int) -> Verdict:
    """Judges one payment: the first rule that fails decides (docs/programs.md)."""
    i64("now", now)
    deny = _hard_limit(policy, spend, payment, now)
    if deny is not None:
        return deny
    threshold = policy.escalation_threshold
    if threshold is not None and payment.amount > threshold and not payment.owner_cosigned:
        return Escalate(threshold=threshold)
    return Allow()


def _hard_limit(policy: Policy, spend: SpendState, payment: Payment, now: int) -> Deny | None:
    if policy.paused:
        return Deny("wallet_paused")
    if payment.amount == 0:
        return Deny("zero_amount")
    memo = payment.memo
    if memo is not None and len(memo.encode()) > MAX_MEMO_LEN:
        return Deny("memo_too_long")
    if policy.require_memo and (memo is None or all(ch in _WHITE_SPACE for ch in memo)):
        return Deny("memo_required")
    if not policy.allows_counterparty(payment.counterparty):
        return Deny("counterparty_not_allowed")
    if not policy.allows_category(payment.category):
        return Deny("category_not_allowed")
    if payment.amount > policy.max_single_transfer:
        return Deny("over_single_transfer_limit", limit=policy.max_single_transfer)
    remaining = spend.remaining(policy.max_daily_spend, now)
    if payment.amount > remaining:
        return Deny("over_daily_limit", limit=policy.max_daily_spend, remaining=remaining)
    return None


__all__ = [
    "Allow",
    "Deny",
    "Escalate",
    "Payment",
    "Policy",
    "SpendState",
    "Verdict",
    "evaluate",
    "utc_day",
]
