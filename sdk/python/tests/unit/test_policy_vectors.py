"""Policy verdicts and validation: the same as `crates/mpppal-policy` for every shared row."""

from __future__ import annotations

from typing import Any

import pytest
from solders.pubkey import Pubkey

from mpppal.policy import Allow, Deny, Escalate, Payment, Policy, SpendState, Verdict, evaluate

from .vectors import name_of, rows


def policy_of(p: dict[str, Any]) -> Policy:
    threshold = p.get("escalationThreshold")
    return Policy(
        max_single_transfer=int(p["maxSingleTransfer"]),
        max_daily_spend=int(p["maxDailySpend"]),
        allowed_counterparties=tuple(Pubkey.from_string(k) for k in p["allowedCounterparties"]),
        categories=tuple(p["categories"]),
        require_memo=bool(p["requireMemo"]),
        escalation_threshold=None if threshold is None else int(threshold),
        paused=bool(p["paused"]),
    )


def as_json(v: Verdict) -> dict[str, str]:
    if isinstance(v, Allow):
        return {"decision": "allow"}
    if isinstance(v, Escalate):
        return {"decision": "escalate", "reason": "above_threshold", "threshold": str(v.threshold)}
    out = {"decision": "deny", "code": v.code}
    if v.limit is not None:
        out["limit"] = str(v.limit)
    if v.remaining is not None:
        out["remaining"] = str(v.remaining)
    return out


@pytest.mark.parametrize("row", rows("policy", "evaluate"), ids=name_of)
def test_evaluate_gives_the_rust_verdict(row: dict[str, Any]) -> None:
    pay = row["payment"]
    payment = Payment(
        amount=int(pay["amount"]),
        counterparty=Pubkey.from_string(pay["counterparty"]),
        category=pay["category"],
        memo=pay["memo"],
        owner_cosigned=bool(pay["ownerCosigned"]),
    )
    spend = SpendState(day=int(row["spend"]["day"]), spent=int(row["spend"]["spent"]))
    verdict = evaluate(policy_of(row["policy"]), spend, payment, int(row["now"]))
    assert as_json(verdict) == row["verdict"]


@pytest.mark.parametrize("row", rows("policy", "validate"), ids=name_of)
def test_validate_gives_the_rust_error(row: dict[str, Any]) -> None:
    assert policy_of(row["policy"]).validate() == row["error"]


def test_deny_messages_name_the_limits() -> None:
    deny = Deny("over_daily_limit", limit=10, remaining=3)
    assert "10 base units; 3 left today" in deny.describe()


def test_float_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="int of base units"):
        Payment(amount=1.5, counterparty=Pubkey.default())  # type: ignore[arg-type]
