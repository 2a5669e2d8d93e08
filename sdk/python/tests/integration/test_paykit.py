"""Another implementation: a route protected by solana-pay-kit's MPP server (run from its own
virtualenv, .venv-paykit, which scripts/ci.sh builds), paid by this SDK from a plain keypair —
pull where the server sponsors fees, push where it does not."""

from __future__ import annotations

import secrets

import pytest
from solders.keypair import Keypair

import mpppal

from .stack import SDK, USDC, Process, Stack, start

PAYKIT_PYTHON = SDK / ".venv-paykit" / "bin" / "python"
SERVER = SDK / "tests" / "interop" / "paykit_server.py"
PRICE = 2_500


def seed(key: Keypair) -> str:
    return bytes(key)[:32].hex()


def paykit(stack: Stack, recipient: Keypair, fee_payer: Keypair | None) -> tuple[Process, str]:
    if not PAYKIT_PYTHON.exists():
        raise RuntimeError(f"{PAYKIT_PYTHON} missing: scripts/ci.sh builds it")
    process = start(f"paykit-{secrets.token_hex(3)}", [
        str(PAYKIT_PYTHON), str(SERVER), stack.rpc_url, str(stack.mint), seed(recipient),
        "-" if fee_payer is None else seed(fee_payer),
    ])  # fmt: skip
    url = process.wait_for(r"listening (\S+)").group(1)
    return process, url


@pytest.fixture
def payer(stack: Stack) -> Keypair:
    key = Keypair()
    stack.airdrop(key.pubkey())
    stack.faucet(key.pubkey(), USDC)
    return key


def test_the_sdk_pays_a_solana_pay_kit_route_by_pull(stack: Stack, payer: Keypair) -> None:
    recipient, fee_payer = Keypair(), Keypair()
    stack.faucet(recipient.pubkey(), 1)  # its token account
    stack.airdrop(fee_payer.pubkey())
    lamports = stack.lamports(payer.pubkey())
    process, url = paykit(stack, recipient, fee_payer)
    try:
        with mpppal.Client(wallet=payer, rpc_url=stack.rpc_url, max_price=USDC) as client:
            response = client.get(url)
    finally:
        process.stop()
    assert response.status_code == 200, response.text
    assert response.json() == {"data": "paid content"}
    paid = mpppal.payment_of(response)
    assert paid is not None
    assert paid.pay_by == "transaction"
    assert paid.receipt is not None
    assert stack.usdc(recipient.pubkey()) == 1 + PRICE
    assert stack.usdc(payer.pubkey()) == USDC - PRICE
    # Pull: solana-pay-kit's fee payer paid the fee, not ours.
    assert stack.lamports(payer.pubkey()) == lamports


def test_the_sdk_pays_a_solana_pay_kit_route_by_push(stack: Stack, payer: Keypair) -> None:
    """Without fee sponsorship the keypair sends the transfer itself and presents its signature
    (push); solana-pay-kit reads it back with getTransaction, checks it and serves."""
    recipient = Keypair()
    stack.faucet(recipient.pubkey(), 1)
    lamports = stack.lamports(payer.pubkey())
    process, url = paykit(stack, recipient, None)
    try:
        with mpppal.Client(wallet=payer, rpc_url=stack.rpc_url, max_price=USDC) as client:
            response = client.get(url)
    finally:
        process.stop()
    assert response.status_code == 200, response.text
    assert stack.usdc(recipient.pubkey()) == 1 + PRICE
    assert stack.usdc(payer.pubkey()) == USDC - PRICE
    # Push: the payer paid its own fee.
    assert stack.lamports(payer.pubkey()) < lamports
