"""Charges against the real `mpppal provider`, paid from wallets the real API created."""

from __future__ import annotations

from solders.keypair import Keypair
from solders.pubkey import Pubkey

import mpppal

from .helpers import agent_key, eventually, policy, wallet_of
from .stack import USDC, Provider, Stack


def test_a_receipt_charge_is_paid_reported_and_settled(stack: Stack, provider: Provider) -> None:
    account, agent = stack.account(policy())
    reporter = mpppal.ApiReporter(agent_key(stack), account.account_id)
    before = stack.usdc(provider.recipient)
    with mpppal.Client(
        wallet=wallet_of(account, agent), rpc_url=stack.rpc_url, reporter=reporter, max_price=USDC
    ) as client:
        response = client.get(f"{provider.url}/charge")
    assert response.status_code == 200
    assert response.json()["data"] == "a paid answer"
    paid = mpppal.payment_of(response)
    assert paid is not None
    assert (paid.pay_by, paid.amount) == ("receipt", 10_000)
    assert paid.receipt is not None
    assert paid.receipt.method == "solana"
    assert reporter.flush().stored == 1
    with stack.operator() as api:
        receipts = list(api.iter_receipts(accountId=account.account_id))
        assert [r.challenge_id for r in receipts] == [paid.challenge_id]

        def settled() -> bool:
            rows = api.list_receipts(accountId=account.account_id).items
            return rows[0].status == "settled"

        eventually("the receipt to settle", settled, timeout=90)
    assert stack.usdc(provider.recipient) == before + 10_000


def test_a_pull_charge_pays_through_the_policy_program(stack: Stack, provider: Provider) -> None:
    account, agent = stack.account(policy())
    before = stack.usdc(provider.recipient)
    with mpppal.Client(
        wallet=wallet_of(account, agent), rpc_url=stack.rpc_url, use_receipts=False
    ) as client:
        response = client.get(f"{provider.url}/charge")
    assert response.status_code == 200
    paid = mpppal.payment_of(response)
    assert paid is not None
    assert paid.pay_by == "transaction"
    assert paid.receipt is not None
    assert stack.usdc(provider.recipient) == before + 10_000
    with stack.operator() as api:
        balance = api.balance(account.account_id)
    assert balance.nonce == 1
    assert balance.spent_today == 10_000


def test_a_plain_keypair_pays_by_transfer_checked(stack: Stack, provider: Provider) -> None:
    payer = Keypair()
    stack.faucet(payer.pubkey(), USDC)
    before = stack.usdc(provider.recipient)
    with mpppal.Client(wallet=payer, rpc_url=stack.rpc_url, max_price=USDC) as client:
        response = client.get(f"{provider.url}/charge")
    assert response.status_code == 200
    assert stack.usdc(payer.pubkey()) == USDC - 10_000
    assert stack.usdc(provider.recipient) == before + 10_000


async def test_the_async_client_pays_too(stack: Stack, provider: Provider) -> None:
    account, agent = stack.account(policy())
    async with mpppal.AsyncClient(
        wallet=wallet_of(account, agent), rpc_url=stack.rpc_url, use_receipts=False
    ) as client:
        first = await client.get(f"{provider.url}/charge")
        second = await client.get(f"{provider.url}/charge")
    assert (first.status_code, second.status_code) == (200, 200)
    vault = Pubkey.from_string(account.solana_address)
    assert stack.usdc(vault) == 100 * USDC - 20_000


def test_the_raw_transport_makes_any_httpx_client_pay(stack: Stack, provider: Provider) -> None:
    import httpx

    account, agent = stack.account(policy())
    wallet = wallet_of(account, agent)
    payer = mpppal.client.make_payer(
        wallet, rpc_url=stack.rpc_url, reporter=None, max_price=None, max_session_deposit=None,
        allowed_origins=None, vet=None, category=None, fee_payer=None,
    )  # fmt: skip
    with httpx.Client(transport=mpppal.PaymentTransport(payer)) as http:
        response = http.get(f"{provider.url}/charge")
    assert response.status_code == 200
    assert mpppal.payment_of(response) is not None
