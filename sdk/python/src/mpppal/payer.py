"""The 402 loop, written once as a flow (effects.py) for the sync and async clients and the
httpx transports: send; on a 402 read every challenge, vet the one this payer can pay, check
the wallet's policy and balance as the Policy Program will, pay, retry once."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from . import chain, programs
from .credentials import Challenge, PaymentReceipt, format_authorization, parse_challenges
from .credentials import parse_receipt as parse_receipt_header
from .effects import Flow, send
from .errors import (
    ChallengeRejectedError,
    InvalidArgumentError,
    PaymentFailedError,
    PaymentRefusedError,
)
from .messages import ReceiptFields
from .offers import Charge, Offer, legs, parse_charge, parse_session
from .policy import Allow, Escalate, Payment, evaluate
from .reporter import Reporter
from .transactions import partially_signed, signed

ACCEPT_PAYMENT = "solana/session, solana/charge;q=0.9"
EXTENSION = "mpppal_payment"


@dataclass(frozen=True)
class PaymentInfo:
    """What was paid for a response (`payment_of(response)`)."""

    amount: int
    pay_by: str
    challenge_id: str
    receipt_header: str | None
    signature: str | None = None
    channel: str | None = None

    @functools.cached_property
    def receipt(self) -> PaymentReceipt | None:
        """The server's `Payment-Receipt`, parsed on first use (most callers never read it,
        and a session request should not pay for decoding it)."""
        return None if self.receipt_header is None else parse_receipt_header(self.receipt_header)


def payment_of(response: httpx.Response) -> PaymentInfo | None:
    """The payment made for `response`, or None when it was free."""
    info = response.extensions.get(EXTENSION)
    return info if isinstance(info, PaymentInfo) else None


Vet = Callable[[Offer], str | None]


@dataclass(frozen=True)
class ChargePaid:
    """A charge's credential payload; `deferred` is the receipt to report, `signature` the
    transaction already sent (push)."""

    payload: dict[str, Any]
    deferred: dict[str, Any] | None
    signature: str | None


@dataclass
class Limits:
    """The application's say before anything is signed."""

    max_price: int | None = None
    max_session_deposit: int | None = None
    allowed_origins: frozenset[str] | None = None
    vet: Vet | None = None

    def check(self, offer: Offer) -> None:
        if self.allowed_origins is not None and offer.origin not in self.allowed_origins:
            raise ChallengeRejectedError(f"{offer.origin} is not an allowed origin")
        if self.max_price is not None and offer.amount > self.max_price:
            raise ChallengeRejectedError(
                f"price {offer.amount} is above the maximum {self.max_price}"
            )
        if self.vet is not None:
            declined = self.vet(offer)
            if declined:
                raise ChallengeRejectedError(f"declined by the application: {declined}")


def origin_of(url: httpx.URL) -> str:
    port = url.port or (443 if url.scheme == "https" else 80)
    return f"{url.scheme}://{url.host}:{port}"


def now() -> int:
    return int(time.time())


def replayable(request: httpx.Request) -> httpx.Request:
    """A copy that can be sent again (the body buffered)."""
    request.read()
    return httpx.Request(
        request.method, request.url, headers=request.headers, content=request.content,
        extensions=request.extensions,
    )  # fmt: skip


def with_header(request: httpx.Request, name: str, value: str) -> httpx.Request:
    copy = replayable(request)
    copy.headers[name] = value
    return copy


def refusal(response: httpx.Response, signature: str | None = None) -> PaymentFailedError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    kind = str(body.get("type", "")).rsplit("/", 1)[-1]
    detail = str(body.get("detail", ""))
    paid = f"paid by transaction {signature}, but " if signature else ""
    return PaymentFailedError(
        f"{paid}the server refused the payment ({response.status_code} {kind}): {detail}",
        status=response.status_code, kind=kind, detail=detail, signature=signature,
    )  # fmt: skip


def check_verdict(
    wallet: chain.WalletState, amount: int, counterparty: Pubkey, category: str | None
) -> None:
    verdict = evaluate(
        wallet.policy, wallet.spend, Payment(amount, counterparty, category=category), now()
    )
    if isinstance(verdict, Allow):
        return
    if isinstance(verdict, Escalate):
        raise PaymentRefusedError(
            "escalation_required", verdict.describe(), threshold=verdict.threshold
        )
    raise PaymentRefusedError(
        verdict.code, verdict.describe(), limit=verdict.limit, remaining=verdict.remaining
    )


def check_balance(balance: int, needed: int) -> None:
    if balance < needed:
        raise PaymentRefusedError(
            "insufficient_balance", f"the wallet holds {balance} base units, {needed} needed",
            balance=balance, needed=needed,
        )  # fmt: skip


@dataclass
class WalletPayer:
    """Pays from an MPPPal wallet with its agent key (the Rust SDK's `PayingClient`)."""

    agent: Keypair
    wallet: Pubkey
    rpc_url: str
    reporter: Reporter
    limits: Limits
    category: str | None = None
    fee_payer: Keypair | None = None
    receipt_ttl: int = 600
    use_receipts: bool = True
    settlement_program: Pubkey = programs.SETTLEMENT_PROGRAM_ID
    sessions: dict[str, Any] = field(default_factory=dict)
    agent_key: Pubkey = field(init=False)

    def __post_init__(self) -> None:
        # Derived once: solders recomputes a keypair's public key on every `pubkey()` call.
        self.agent_key = self.agent.pubkey()

    def choose(self, origin: str, challenges: list[Challenge], mint: Pubkey) -> Offer:
        reasons = []
        for challenge in challenges:
            try:
                charge = parse_charge(challenge)
            except InvalidArgumentError as error:
                reasons.append(str(error))
                continue
            if charge.mint != mint:
                reasons.append("asks for another currency than the wallet holds")
                continue
            if self.use_receipts and charge.receipt_program == self.settlement_program:
                pay_by = "receipt"
            elif charge.fee_payer is not None:
                pay_by = "transaction"
            elif self.fee_payer is not None:
                pay_by = "push"
            else:
                reasons.append("neither receipts nor fee sponsorship offered, and no fee payer")
                continue
            return Offer(origin, challenge, pay_by, charge.amount, charge.recipient, charge)  # type: ignore[arg-type]
        raise ChallengeRejectedError("; ".join(reasons) or "the 402 carried no Payment challenge")

    def transfers(self, charge: Charge, wallet: chain.WalletState) -> list[Any]:
        return [
            programs.policy_transfer(
                programs.PaymentAccounts(
                    agent=self.agent_key, wallet=self.wallet, mint=wallet.mint,
                    destination=programs.token_account(owner, wallet.mint),
                ),
                amount=amount, nonce=wallet.nonce + i, category=self.category,
            )
            for i, (owner, amount) in enumerate(legs(charge))
        ]  # fmt: skip

    def charge_payload(self, offer: Offer, wallet: chain.WalletState) -> Flow[ChargePaid]:
        """Checks the policy and balance for `offer`, then signs (receipt, pull) or sends
        (push) its payment: the credential payload."""
        charge = offer.charge
        assert charge is not None
        check_verdict(wallet, charge.amount, charge.recipient, self.category)
        check_balance(wallet.balance, charge.amount)
        signature = None
        deferred: dict[str, Any] | None = None
        if offer.pay_by == "receipt":
            expires_at = now() + min(self.receipt_ttl, charge.receipt_ttl)
            fields = ReceiptFields(
                self.wallet,
                charge.recipient,
                charge.mint,
                charge.amount,
                expires_at,
                offer.challenge.id,
                self.category,
            )
            sig = str(self.agent.sign_message(fields.message()))
            payload: dict[str, Any] = {
                "type": "receipt",
                "wallet": str(self.wallet),
                "expiresAt": expires_at,
            }
            if self.category is not None:
                payload["category"] = self.category
            payload["signature"] = sig
            deferred = {
                "challengeId": offer.challenge.id,
                "recipient": str(charge.recipient),
                "mint": str(charge.mint),
                "amount": charge.amount,
                "expiresAt": expires_at,
                "category": self.category,
                "signature": sig,
            }
        elif offer.pay_by == "transaction":
            assert charge.fee_payer is not None
            blockhash = yield from chain.latest_blockhash(self.rpc_url)
            tx = partially_signed(
                self.transfers(charge, wallet), charge.fee_payer, self.agent, blockhash
            )
            payload = {"type": "transaction", "transaction": tx}
        else:
            assert self.fee_payer is not None
            blockhash = yield from chain.latest_blockhash(self.rpc_url)
            full = signed(self.transfers(charge, wallet), self.fee_payer, [self.agent], blockhash)
            signature = yield from chain.send_and_confirm(self.rpc_url, full)
            payload = {"type": "signature", "signature": signature}
        return ChargePaid(payload, deferred, signature)

    def execute(self, request: httpx.Request) -> Flow[httpx.Response]:
        from . import sessions

        # Buffered so it can be sent again after a 402. The request is this call's own (httpx
        # builds one per send), so the credential is set on it in place, as httpx's auth flows
        # do, rather than on a copy per paid request.
        request.read()
        origin = origin_of(request.url)
        held = self.sessions.get(origin)
        if held is not None:
            paid = yield from sessions.pay_in_session(self, held, request)
            if paid is not None:
                return paid
            self.sessions.pop(origin, None)
        if "accept-payment" not in request.headers:
            request.headers["accept-payment"] = ACCEPT_PAYMENT
        first = yield from send(request)
        if first.status_code != 402:
            return first
        challenges = parse_challenges(first.headers.get_list("www-authenticate"))
        wallet = yield from chain.read_wallet(self.rpc_url, self.wallet)
        for challenge in challenges:
            terms = parse_session(challenge, self.settlement_program)
            if terms is not None and terms.mint == wallet.mint:
                offer = Offer(origin, challenge, "session", terms.price, terms.payee, session=terms)
                self.limits.check(offer)
                return (yield from sessions.open_session(self, offer, wallet, request))
        offer = self.choose(origin, challenges, wallet.mint)
        self.limits.check(offer)
        charge = offer.charge
        assert charge is not None
        made = yield from self.charge_payload(offer, wallet)
        payload, deferred, signature = made.payload, made.deferred, made.signature
        response = yield from paid_retry(request, offer, payload, signature)
        receipt = response.headers.get("payment-receipt")
        if deferred is not None and receipt is not None:
            self.reporter.receipt(deferred)
        response.extensions[EXTENSION] = PaymentInfo(
            charge.amount, offer.pay_by, offer.challenge.id, receipt, signature
        )
        return response


def paid_retry(
    request: httpx.Request, offer: Offer, payload: dict[str, Any], pushed: str | None
) -> Flow[httpx.Response]:
    """Sends `request` again with the credential; a refusal raises (naming the pushed
    transaction when money already moved)."""
    retry = with_header(
        request, offer.challenge.header, format_authorization(offer.challenge, payload)
    )
    try:
        response = yield from send(retry)
    except httpx.TransportError as error:
        if pushed is None:
            raise
        raise PaymentFailedError(
            f"paid by transaction {pushed}, but the server did not answer: {error}",
            kind="no-answer", signature=pushed,
        ) from error  # fmt: skip
    if not response.is_success:
        raise refusal(response, pushed)
    return response
