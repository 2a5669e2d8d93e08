"""MPPPal wallets inside pympp's own client: the `solana` charge method as a pympp
`mpp.methods.Method` with a `ClientMethod`, for `mpp.client.PaymentTransport` (async).

    transport = mpp.client.transport.PaymentTransport(methods=[solana_charge(...)])
    async with httpx.AsyncClient(transport=transport) as http: ...

It pays charges by MPPPal receipt or by a Policy Program transfer the server sponsors, with
the same policy and balance checks as `mpppal.Client`. Sessions need state across requests
that pympp's transport does not keep: use `mpppal.AsyncClient` for them."""

from __future__ import annotations

from typing import Any

import httpx
from mpp.methods import Method
from mpp.runtime import ClientMethod, CredentialParams
from pydantic import BaseModel, ConfigDict, Field

from . import chain
from .client import AgentWallet
from .credentials import Challenge, format_authorization
from .effects import Send, run_async
from .errors import ChallengeRejectedError
from .payer import Limits, WalletPayer
from .reporter import Reporter


class SolanaChargeRequest(BaseModel):
    """The `request` of a `solana` charge challenge (amounts in base units)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    amount: str
    currency: str
    recipient: str
    method_details: dict[str, Any] = Field(default_factory=dict, alias="methodDetails")


class SolanaChargePayload(BaseModel):
    """A credential payload: `type` is `receipt`, `transaction` or `signature`."""

    model_config = ConfigDict(extra="allow")

    type: str


SOLANA_CHARGE: Method[SolanaChargeRequest, SolanaChargePayload] = Method(
    name="solana",
    intent="charge",
    request_model=SolanaChargeRequest,
    payload_model=SolanaChargePayload,
)


def solana_charge(
    wallet: AgentWallet,
    rpc_url: str,
    *,
    reporter: Reporter | None = None,
    max_price: int | None = None,
    category: str | None = None,
    use_receipts: bool = True,
) -> ClientMethod:
    """A pympp client method paying `solana` charges from `wallet`."""
    payer = WalletPayer(
        wallet.agent, wallet.wallet, rpc_url, reporter or Reporter(), Limits(max_price=max_price),
        category, use_receipts=use_receipts,
    )  # fmt: skip
    rpc = httpx.AsyncClient(timeout=30.0)

    async def send(effect: Send) -> httpx.Response:
        return await rpc.send(effect.request)

    async def create_credential(params: CredentialParams) -> str:
        challenge = Challenge(params.challenge, params.challenge.to_echo().opaque)
        wallet_state = await run_async(chain.read_wallet(payer.rpc_url, payer.wallet), send)
        offer = payer.choose(challenge.inner.realm, [challenge], wallet_state.mint)
        if offer.pay_by == "push":
            raise ChallengeRejectedError("pympp's transport cannot carry a pushed payment here")
        payer.limits.check(offer)
        made = await run_async(payer.charge_payload(offer, wallet_state), send)
        if made.deferred is not None:
            payer.reporter.receipt(made.deferred)
        return format_authorization(challenge, made.payload)

    return ClientMethod(method=SOLANA_CHARGE, create_credential=create_credential)
