"""Payments the policy or the caller refuses: a typed error, and nothing signed."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair

import mpppal

from .helpers import CountingTransport, policy, wallet_of
from .stack import USDC, Provider, Stack


def refused(
    stack: Stack, url: str, account_policy: dict[str, object]
) -> tuple[pytest.ExceptionInfo[mpppal.PaymentRefusedError], CountingTransport]:
    account, agent = stack.account(account_policy)
    counter = CountingTransport()
    with (
        mpppal.Client(
            wallet=wallet_of(account, agent), rpc_url=stack.rpc_url, transport=counter
        ) as client,
        pytest.raises(mpppal.PaymentRefusedError) as error,
    ):
        client.get(url)
    return error, counter


def test_a_charge_over_the_single_cap_is_refused_unsigned(stack: Stack, provider: Provider) -> None:
    error, counter = refused(
        stack, f"{provider.url}/charge", policy(maxSingleTransfer=5_000, maxDailySpend=USDC)
    )
    assert error.value.reason == "over_single_transfer_limit"
    assert (counter.sent, counter.paid) == (1, 0)


def test_a_charge_over_the_daily_cap_is_refused(stack: Stack, provider: Provider) -> None:
    account, agent = stack.account(policy(maxSingleTransfer=10_000, maxDailySpend=15_000))
    counter = CountingTransport()
    with mpppal.Client(
        wallet=wallet_of(account, agent),
        rpc_url=stack.rpc_url,
        use_receipts=False,
        transport=counter,
    ) as client:
        assert client.get(f"{provider.url}/charge").status_code == 200
        with pytest.raises(mpppal.PaymentRefusedError) as error:
            client.get(f"{provider.url}/charge")
    assert error.value.reason == "over_daily_limit"
    assert error.value.details["remaining"] == 5_000
    assert counter.paid == 1


def test_a_counterparty_not_allowed_is_refused(stack: Stack, provider: Provider) -> None:
    other = str(Keypair().pubkey())
    error, counter = refused(stack, f"{provider.url}/charge", policy(allowedCounterparties=[other]))
    assert error.value.reason == "counterparty_not_allowed"
    assert counter.paid == 0


def test_a_paused_wallet_signs_nothing(stack: Stack, provider: Provider) -> None:
    account, agent = stack.account(policy())
    with stack.operator() as api:
        api.pause(account.account_id)
    counter = CountingTransport()
    with (
        mpppal.Client(
            wallet=wallet_of(account, agent), rpc_url=stack.rpc_url, transport=counter
        ) as client,
        pytest.raises(mpppal.PaymentRefusedError) as error,
    ):
        client.get(f"{provider.url}/session")
    assert error.value.reason == "wallet_paused"
    assert counter.paid == 0


def test_the_callers_limits_reject_a_challenge(stack: Stack, provider: Provider) -> None:
    account, agent = stack.account(policy())
    wallet = wallet_of(account, agent)
    with (
        mpppal.Client(wallet=wallet, rpc_url=stack.rpc_url, max_price=9_999) as client,
        pytest.raises(mpppal.ChallengeRejectedError, match="above the maximum"),
    ):
        client.get(f"{provider.url}/charge")
    with (
        mpppal.Client(
            wallet=wallet, rpc_url=stack.rpc_url, allowed_origins=["https://elsewhere.example"]
        ) as client,
        pytest.raises(mpppal.ChallengeRejectedError, match="not an allowed origin"),
    ):
        client.get(f"{provider.url}/charge")
