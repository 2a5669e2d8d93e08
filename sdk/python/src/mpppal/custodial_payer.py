"""Paying for a custodial MPPPal account: the agent holds no key, the operator API signs
receipts and transactions for it, applying the wallet's policy and holding the day's budget
(the Rust SDK's custodial.rs)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx
from solders.pubkey import Pubkey

from . import programs
from .api_call import ApiCredentials, call
from .credentials import parse_challenges
from .effects import Flow, Send, send, sleep
from .errors import ApiError, InvalidArgumentError, PaymentRefusedError
from .offers import Charge, Offer, first_charge, legs
from .payer import ACCEPT_PAYMENT, EXTENSION, Limits, PaymentInfo, now, origin_of, paid_retry


@dataclass(frozen=True)
class CustodialAccount:
    """A custodial MPPPal account (`acct_…`): the agent holds no key; `api` is a key with the
    `agent` scope. `approval_wait` (seconds) waits for an operator's decision on a payment
    above the escalation threshold instead of failing at once."""

    api: ApiCredentials
    account_id: str
    mint: Pubkey
    approval_wait: float | None = None

    def __post_init__(self) -> None:
        if not self.account_id.startswith("acct_"):
            raise InvalidArgumentError("account_id must be an MPPPal account id (acct_…)")
        if not isinstance(self.mint, Pubkey):
            raise InvalidArgumentError("mint must be a solders Pubkey")
        if self.approval_wait is not None and self.approval_wait < 0:
            raise InvalidArgumentError("approval_wait must be seconds, not negative")


@dataclass
class CustodialPayer:
    account: CustodialAccount
    limits: Limits
    category: str | None = None
    receipt_ttl: int = 300

    def _api(self, path: str, body: Any) -> Flow[tuple[int, dict[str, Any]]]:
        flow = call(
            self.account.api,
            "POST",
            path,
            body=body,
            expect=(200, 201, 202, 409, 422),
            mutation=False,
        )
        response = yield from _via_api(flow)
        answer = response.json() if response.content else {}
        return response.status_code, answer if isinstance(answer, dict) else {}

    def execute(self, request: httpx.Request) -> Flow[httpx.Response]:
        request.read()  # buffered, so it can be sent again after the 402
        request.headers.setdefault("accept-payment", ACCEPT_PAYMENT)
        first = yield from send(request)
        if first.status_code != 402:
            return first
        challenges = parse_challenges(first.headers.get_list("www-authenticate"))
        program = programs.SETTLEMENT_PROGRAM_ID

        def how(c: Charge) -> str:
            if c.mint != self.account.mint:
                return "!asks for another currency than the wallet holds"
            if c.receipt_program == program:
                return "receipt"
            if c.fee_payer is not None:
                return "transaction"
            return "!a custodial wallet pays by receipt or by a transaction the server sponsors"

        offer = first_charge(origin_of(request.url), challenges, how)
        self.limits.check(offer)
        charge = offer.charge
        assert charge is not None
        payload: dict[str, Any] | None = None
        if offer.pay_by == "receipt":
            payload = yield from self._receipt(offer, charge)
        if payload is None:
            # A receipt cannot carry the owner's co-signature: above the escalation threshold
            # (with an approval wait set) the payment goes by a sponsored transaction instead.
            payload = {
                "type": "transaction",
                "transaction": (yield from self._transaction(offer, charge)),
            }
        response = yield from paid_retry(request, offer, payload, None)
        receipt = response.headers.get("payment-receipt")
        response.extensions[EXTENSION] = PaymentInfo(
            charge.amount, str(payload["type"]), offer.challenge.id, receipt
        )
        return response

    def _receipt(self, offer: Offer, charge: Charge) -> Flow[dict[str, Any] | None]:
        expires_at = now() + min(self.receipt_ttl, charge.receipt_ttl)
        body = {
            "challengeId": offer.challenge.id, "recipient": str(charge.recipient),
            "mint": str(charge.mint), "amount": charge.amount, "expiresAt": expires_at,
            "category": self.category,
        }  # fmt: skip
        status, answer = yield from self._api(
            f"/v1/accounts/{self.account.account_id}/receipts", body
        )
        if status in (200, 201):
            payload: dict[str, Any] = {
                "type": "receipt",
                "wallet": answer["wallet"],
                "expiresAt": answer.get("expiresAt", expires_at),
            }
            if answer.get("category") is not None:
                payload["category"] = answer["category"]
            payload["signature"] = answer["signature"]
            return payload
        if (
            status == 422
            and answer.get("reason") == "escalation_required"
            and self.account.approval_wait is not None
            and charge.fee_payer is not None
        ):
            return None
        raise _custody_error(status, answer)

    def _transaction(self, offer: Offer, charge: Charge) -> Flow[str]:
        assert charge.fee_payer is not None
        expires = offer.challenge.expires_at()
        expires_at = now() + 300 if expires is None else int(expires.timestamp())
        body = {
            "challengeId": offer.challenge.id, "feePayer": str(charge.fee_payer),
            "recipient": str(charge.recipient),
            "legs": [{"destination": str(programs.token_account(o, charge.mint)), "amount": a}
                     for o, a in legs(charge)],
            "expiresAt": expires_at, "category": self.category,
        }  # fmt: skip
        path = f"/v1/accounts/{self.account.account_id}/transactions"
        status, answer = yield from self._api(path, body)
        if status == 201:
            return str(answer["transaction"])
        if status != 202:
            raise _custody_error(status, answer)
        escalation = answer.get("escalationId")
        wait = self.account.approval_wait
        if wait is None:
            raise PaymentRefusedError(
                "escalation_required",
                f"awaiting an operator's approval (escalation {escalation})",
                escalation_id=escalation,
            )
        deadline = time.monotonic() + min(wait, max(0, expires_at - now()))
        again = f"{path}/{answer['transferId']}"
        while True:
            status, answer = yield from self._api(again, None)
            if status == 200:
                return str(answer["transaction"])
            if not (status == 409 and answer.get("code") == "awaiting_approval"):
                raise _custody_error(status, answer)
            if time.monotonic() >= deadline:
                raise PaymentRefusedError(
                    "escalation_required",
                    f"no operator approved escalation {escalation} in time",
                    escalation_id=escalation,
                )
            # Over a second apart: each poll must carry a new signature, not replay the last.
            yield from sleep(1.1)


def _via_api(flow: Flow[httpx.Response]) -> Flow[httpx.Response]:
    """Re-labels `flow`'s requests for the client's plain (unpaid) HTTP client."""
    try:
        effect = next(flow)
        while True:
            if isinstance(effect, Send):
                effect = Send(effect.request, via="api")
            try:
                result = yield effect
            except BaseException as error:  # thrown network errors go back into the flow
                effect = flow.throw(error)
                continue
            effect = flow.send(result)
    except StopIteration as done:
        response: httpx.Response = done.value
        return response


def _custody_error(status: int, answer: dict[str, Any]) -> Exception:
    reason = answer.get("reason")
    detail = str(answer.get("detail", ""))
    if status == 422 and isinstance(reason, str):
        return PaymentRefusedError(reason, detail or reason)
    return ApiError(status, str(answer.get("code", f"http_{status}")), detail, answer)
