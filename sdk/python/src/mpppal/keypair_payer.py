"""Paying from a plain keypair: its own associated token account, no MPPPal policy."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from solders.keypair import Keypair

from . import chain, programs
from .credentials import parse_challenges
from .effects import Flow, send
from .errors import ChainError
from .offers import first_charge, legs
from .payer import EXTENSION, Limits, PaymentInfo, check_balance, origin_of, paid_retry
from .transactions import partially_signed, signed


@dataclass
class KeypairPayer:
    """Pays charges from `keypair`'s own associated token account with one `transferChecked`
    per leg: pull where the server pays fees, otherwise push (the keypair pays the fee, sends,
    waits for `confirmed`, presents the signature). No policy, receipts or sessions."""

    keypair: Keypair
    rpc_url: str
    limits: Limits

    def execute(self, request: httpx.Request) -> Flow[httpx.Response]:
        request.read()  # buffered, so it can be sent again after the 402
        request.headers.setdefault("accept-payment", "solana/charge")
        first = yield from send(request)
        if first.status_code != 402:
            return first
        challenges = parse_challenges(first.headers.get_list("www-authenticate"))
        offer = first_charge(
            origin_of(request.url), challenges,
            lambda c: "transaction" if c.fee_payer is not None else "push",
        )  # fmt: skip
        self.limits.check(offer)
        charge = offer.charge
        assert charge is not None
        source = programs.token_account(self.keypair.pubkey(), charge.mint)
        try:
            balance = yield from chain.token_balance(self.rpc_url, source)
        except ChainError:
            balance = 0
        check_balance(balance, charge.amount)
        ixs = [
            programs.transfer_checked(
                source=source, mint=charge.mint, destination=programs.token_account(o, charge.mint),
                owner=self.keypair.pubkey(), amount=a, decimals=charge.decimals,
            )
            for o, a in legs(charge)
        ]  # fmt: skip
        blockhash = yield from chain.latest_blockhash(self.rpc_url)
        pushed = None
        if charge.fee_payer is not None:
            payload = {
                "type": "transaction",
                "transaction": partially_signed(ixs, charge.fee_payer, self.keypair, blockhash),
            }
        else:
            tx = signed(ixs, self.keypair, [], blockhash)
            pushed = yield from chain.send_and_confirm(self.rpc_url, tx)
            payload = {"type": "signature", "signature": pushed}
        response = yield from paid_retry(request, offer, payload, pushed)
        receipt = response.headers.get("payment-receipt")
        response.extensions[EXTENSION] = PaymentInfo(
            charge.amount, offer.pay_by, offer.challenge.id, receipt, pushed
        )
        return response
