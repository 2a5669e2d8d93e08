"""Reading a 402: its challenges, and which one this payer can pay and how (the Rust SDK's
choose.rs: a session first, then an MPPPal receipt, then a transaction whose fees the server
sponsors, then — with a fee payer — a transaction the payer sends itself)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from solders.pubkey import Pubkey

from .amounts import base_units
from .credentials import Challenge
from .errors import ChallengeRejectedError, InvalidArgumentError

PayBy = Literal["receipt", "transaction", "push", "session"]


@dataclass(frozen=True)
class Charge:
    """A `solana` charge request after its checks."""

    amount: int
    mint: Pubkey
    recipient: Pubkey
    decimals: int
    fee_payer: Pubkey | None
    splits: tuple[tuple[Pubkey, int], ...]
    receipt_program: Pubkey | None
    receipt_ttl: int


@dataclass(frozen=True)
class SessionTerms:
    price: int
    mint: Pubkey
    payee: Pubkey
    fee_payer: Pubkey
    suggested_deposit: int | None


@dataclass(frozen=True)
class Offer:
    """A challenge this client could pay, as shown to the application's `vet` hook."""

    origin: str
    challenge: Challenge
    pay_by: PayBy
    amount: int
    recipient: Pubkey
    charge: Charge | None = None
    session: SessionTerms | None = None


def _key(field: str, value: Any) -> Pubkey:
    try:
        return Pubkey.from_string(str(value))
    except ValueError as error:
        raise InvalidArgumentError(f"{field} is not a base58 public key") from error


def parse_charge(challenge: Challenge) -> Charge:
    """The charge of a `solana`/`charge` challenge; `InvalidArgumentError` says why not."""
    if challenge.method != "solana" or challenge.intent != "charge":
        raise InvalidArgumentError(f"{challenge.method}/{challenge.intent} not supported")
    if challenge.expired():
        raise InvalidArgumentError("challenge expired")
    r = challenge.request
    amount = base_units("amount", str(r.get("amount", "")))
    if r.get("currency") == "sol":
        raise InvalidArgumentError("native SOL charges are not supported")
    mint = _key("currency", r.get("currency"))
    recipient = _key("recipient", r.get("recipient"))
    d = r.get("methodDetails") or {}
    decimals = d.get("decimals")
    if not isinstance(decimals, int) or not 0 <= decimals <= 9:
        raise InvalidArgumentError("methodDetails.decimals must be 0 to 9")
    fee_payer = None
    if d.get("feePayer"):
        fee_payer = _key("methodDetails.feePayerKey", d.get("feePayerKey"))
    splits = []
    for split in d.get("splits") or []:
        splits.append(
            (
                _key("split recipient", split.get("recipient")),
                base_units("split amount", str(split.get("amount", ""))),
            )
        )
    if len(splits) > 8 or sum(a for _, a in splits) >= amount:
        raise InvalidArgumentError("methodDetails.splits must leave the recipient more than zero")
    offer = d.get("mpppalReceipt")
    program, ttl = None, 0
    if isinstance(offer, dict):
        program = _key("mpppalReceipt.settlementProgram", offer.get("settlementProgram"))
        ttl = int(offer.get("maxTtlSeconds") or 0)
    return Charge(amount, mint, recipient, decimals, fee_payer, tuple(splits), program, ttl)


def parse_session(challenge: Challenge, settlement_program: Pubkey) -> SessionTerms | None:
    """A payable `solana`/`session` challenge through MPPPal's Settlement Program, or None."""
    if challenge.method != "solana" or challenge.intent != "session" or challenge.expired():
        return None
    r = challenge.request
    d = r.get("methodDetails") or {}
    try:
        if d.get("channelProgram") != str(settlement_program):
            return None
        price = base_units("amount", str(r.get("amount", "")))
        suggested = r.get("suggestedDeposit")
        return SessionTerms(
            price=price,
            mint=_key("currency", r.get("currency")),
            payee=_key("recipient", r.get("recipient")),
            fee_payer=_key("methodDetails.feePayerKey", d.get("feePayerKey")),
            suggested_deposit=None
            if suggested is None
            else base_units("suggestedDeposit", str(suggested)),
        )
    except InvalidArgumentError:
        return None


def legs(charge: Charge) -> list[tuple[Pubkey, int]]:
    """(recipient owner, amount) per transfer: the recipient gets what the splits leave."""
    rest = charge.amount - sum(a for _, a in charge.splits)
    return [(charge.recipient, rest), *charge.splits]


def first_charge(
    origin: str, challenges: list[Challenge], pay_by: Callable[[Charge], str]
) -> Offer:
    """The first valid `solana` charge that `pay_by` says how to pay (a reason starting with
    "!" declines it); or every reason why none."""
    reasons = []
    for challenge in challenges:
        try:
            charge = parse_charge(challenge)
        except InvalidArgumentError as error:
            reasons.append(str(error))
            continue
        how = pay_by(charge)
        if how.startswith("!"):
            reasons.append(how[1:])
            continue
        return Offer(origin, challenge, how, charge.amount, charge.recipient, charge)  # type: ignore[arg-type]
    raise ChallengeRejectedError("; ".join(reasons) or "the 402 carried no Payment challenge")
