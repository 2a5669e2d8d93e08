"""Custodial accounts: the operator API signs for the agent."""

from __future__ import annotations

import threading

import httpx
import pytest

import mpppal

from .helpers import agent_key, eventually, policy
from .stack import Provider, Stack


def custodial(stack: Stack, wait: float | None, **rules: object) -> mpppal.CustodialAccount:
    account, _ = stack.account(policy(**rules), custody="custodial")
    return mpppal.CustodialAccount(agent_key(stack), account.account_id, stack.mint, wait)


def test_a_custodial_account_pays_a_receipt_through_the_api(
    stack: Stack, provider: Provider
) -> None:
    wallet = custodial(stack, None)
    with mpppal.Client(wallet=wallet) as client:
        response = client.get(f"{provider.url}/charge")
    assert response.status_code == 200
    paid = mpppal.payment_of(response)
    assert paid is not None
    assert paid.pay_by == "receipt"
    with stack.operator() as api:
        assert len(api.list_receipts(accountId=wallet.account_id).items) == 1


def test_above_the_threshold_it_fails_at_once_without_a_wait(
    stack: Stack, provider: Provider
) -> None:
    wallet = custodial(stack, None, escalationThreshold=5_000)
    with mpppal.Client(wallet=wallet) as client, pytest.raises(mpppal.PaymentRefusedError) as e:
        client.get(f"{provider.url}/charge")
    assert e.value.reason == "escalation_required"


def test_above_the_threshold_it_waits_for_an_operators_approval(
    stack: Stack, provider: Provider
) -> None:
    wallet = custodial(stack, 60.0, escalationThreshold=5_000)
    before = stack.usdc(provider.recipient)
    result: dict[str, httpx.Response] = {}

    def pay() -> None:
        with mpppal.Client(wallet=wallet) as client:
            result["response"] = client.get(f"{provider.url}/charge")

    payer = threading.Thread(target=pay)
    payer.start()
    with stack.operator() as api:
        escalation = eventually(
            "an escalation to decide",
            lambda: next((e for e in api.list_escalations(status="pending").items
                          if e.account_id == wallet.account_id), None),
        )  # fmt: skip
        assert escalation.account_id == wallet.account_id
        api.approve_escalation(escalation.escalation_id, note="python sdk test")
    payer.join(90)
    assert result["response"].status_code == 200
    assert stack.usdc(provider.recipient) == before + 10_000


def test_a_denied_escalation_is_refused_as_not_approved(stack: Stack, provider: Provider) -> None:
    wallet = custodial(stack, 60.0, escalationThreshold=5_000)
    errors: list[BaseException] = []

    def pay() -> None:
        try:
            with mpppal.Client(wallet=wallet) as client:
                client.get(f"{provider.url}/charge")
        except BaseException as error:
            errors.append(error)

    payer = threading.Thread(target=pay)
    payer.start()
    with stack.operator() as api:
        escalation = eventually(
            "an escalation to decide",
            lambda: next((e for e in api.list_escalations(status="pending").items
                          if e.account_id == wallet.account_id), None),
        )  # fmt: skip
        api.deny_escalation(escalation.escalation_id, note="not this one")
    payer.join(90)
    assert len(errors) == 1
    assert isinstance(errors[0], mpppal.PaymentRefusedError)
    assert errors[0].reason == "not_approved"


def test_waiting_for_approval_gives_up_after_its_timeout(stack: Stack, provider: Provider) -> None:
    wallet = custodial(stack, 2.5, escalationThreshold=5_000)
    with mpppal.Client(wallet=wallet) as client, pytest.raises(mpppal.PaymentRefusedError) as e:
        client.get(f"{provider.url}/charge")
    assert e.value.reason == "escalation_required"
    assert "in time" in e.value.message
