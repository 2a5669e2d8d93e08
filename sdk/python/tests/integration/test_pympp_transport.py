"""pympp's own client (`mpp.client.PaymentTransport`) paying `mpppal provider` through the
`solana` method this SDK plugs into it."""

from __future__ import annotations

import httpx
import mpp
import pytest
from mpp.client.transport import PaymentTransport

from mpppal import pympp_method

from .helpers import policy, wallet_of
from .stack import Provider, Stack


@pytest.mark.parametrize("use_receipts", [True, False], ids=["receipt", "pull"])
async def test_pympp_transport_pays_with_the_mpppal_method(
    stack: Stack, provider: Provider, use_receipts: bool
) -> None:
    account, agent = stack.account(policy())
    method = pympp_method.solana_charge(
        wallet_of(account, agent), stack.rpc_url, use_receipts=use_receipts
    )
    before = stack.usdc(provider.recipient)
    async with httpx.AsyncClient(transport=PaymentTransport(methods=[method])) as http:
        response = await http.get(f"{provider.url}/charge")
    assert response.status_code == 200, response.text
    receipt = mpp.Receipt.from_payment_receipt(response.headers["payment-receipt"])
    assert receipt.method == "solana"
    if not use_receipts:
        assert stack.usdc(provider.recipient) == before + 10_000
