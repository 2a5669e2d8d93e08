"""Payment sessions from the agent's side (the Rust SDK's sessions.rs): one per provider
origin, opened on the first session challenge, paid with cumulative 50-byte vouchers, topped
up within policy when the deposit runs out, reopened after a 410, closed on request, when idle,
or when the client closes."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from solders.pubkey import Pubkey

from . import chain, programs
from .credentials import Challenge, format_authorization, parse_challenges
from .effects import Flow, send
from .errors import ChallengeRejectedError
from .messages import SignedVoucher
from .offers import Offer, parse_session
from .payer import (
    EXTENSION,
    PaymentInfo,
    WalletPayer,
    check_balance,
    check_verdict,
    now,
    refusal,
    with_header,
)
from .transactions import partially_signed

SESSION_SECONDS = 3_600
REFUSED = (400, 402, 403, 410)


@dataclass
class OpenSession:
    challenge: Challenge
    accounts: programs.SessionAccounts
    channel: Pubkey
    price: int
    deposit: int
    fee_payer: Pubkey
    url: str
    cumulative: int = 0
    last_voucher: SignedVoucher | None = None
    last_used: float = field(default_factory=time.monotonic)

    def credential(self, action: dict[str, Any]) -> str:
        return format_authorization(self.challenge, action)


def open_session(
    payer: WalletPayer, offer: Offer, wallet: chain.WalletState, request: httpx.Request
) -> Flow[httpx.Response]:
    terms = offer.session
    assert terms is not None
    policy = wallet.policy
    deposit = min(
        terms.suggested_deposit or terms.price * 100,
        policy.max_single_transfer,
        wallet.spend.remaining(policy.max_daily_spend, now()),
        wallet.balance,
    )
    if payer.limits.max_session_deposit is not None:
        deposit = min(deposit, payer.limits.max_session_deposit)
    if deposit < terms.price:
        check_verdict(wallet, terms.price, terms.payee, payer.category)
        check_balance(deposit, terms.price)
    check_verdict(wallet, deposit, terms.payee, payer.category)
    accounts = programs.SessionAccounts(
        wallet=payer.wallet, mint=wallet.mint, session_id=secrets.randbits(64),
        payee=terms.payee, rent_payer=terms.fee_payer,
    )  # fmt: skip
    channel = accounts.session
    ix = programs.open_session(
        accounts, agent=payer.agent_key, deposit=deposit,
        expires_at=now() + SESSION_SECONDS, category=payer.category,
    )  # fmt: skip
    blockhash = yield from chain.latest_blockhash(payer.rpc_url)
    transaction = partially_signed([ix], terms.fee_payer, payer.agent, blockhash)
    action = {
        "action": "open", "channelId": str(channel), "wallet": str(payer.wallet),
        "sessionId": str(accounts.session_id), "depositAmount": str(deposit),
        "transaction": transaction,
    }  # fmt: skip
    authorization = format_authorization(offer.challenge, action)
    response = yield from send(with_header(request, offer.challenge.header, authorization))
    # A refused open opened nothing; any other answer means the session exists on chain.
    if response.status_code in REFUSED:
        raise refusal(response)
    url = str(request.url)
    payer.sessions[offer.origin] = OpenSession(
        offer.challenge, accounts, channel, terms.price, deposit, terms.fee_payer, url
    )
    payer.reporter.session_opened(str(channel), url)
    response.extensions[EXTENSION] = PaymentInfo(
        0, "session", offer.challenge.id, response.headers.get("payment-receipt"),
        channel=str(channel),
    )  # fmt: skip
    return response


def pay_in_session(
    payer: WalletPayer, session: OpenSession, request: httpx.Request
) -> Flow[httpx.Response | None]:
    """Pays `request` with the session's next voucher; None when the provider no longer knows
    the channel (410), so the caller pays afresh."""
    if session.cumulative + session.price > session.deposit:
        yield from top_up(payer, session)
    for attempt in range(2):
        cumulative = session.cumulative + session.price
        voucher = SignedVoucher.sign(
            payer.agent, session.channel, cumulative, signer=payer.agent_key
        )
        authorization = session.credential(
            {"action": "voucher", "channelId": str(session.channel), "voucher": voucher.to_json()}
        )
        # Set in place (see payer.execute): a copy per voucher would cost more than its JSON.
        request.headers[session.challenge.header] = authorization
        response = yield from send(request)
        status = response.status_code
        if response.is_success:
            session.cumulative = cumulative
            session.last_voucher = voucher
            session.last_used = time.monotonic()
            session.url = str(request.url)
            payer.reporter.voucher(str(session.channel), cumulative, 0, str(voucher.signature))
            response.extensions[EXTENSION] = PaymentInfo(
                session.price, "session", session.challenge.id,
                response.headers.get("payment-receipt"),
                channel=str(session.channel),
            )  # fmt: skip
            return response
        if status == 410:
            del request.headers[session.challenge.header]
            return None
        if status == 402 and attempt == 0:
            fresh = [
                c for c in parse_challenges(response.headers.get_list("www-authenticate"))
                if parse_session(c, payer.settlement_program) is not None
            ]  # fmt: skip
            if not fresh:
                raise ChallengeRejectedError("the provider offered no new session challenge")
            session.challenge = fresh[0]
            continue
        if status in REFUSED:
            raise refusal(response)
        # The handler failed: the provider kept the previous voucher, and so do we.
        return response
    raise ChallengeRejectedError("the session challenge could not be renewed")


def top_up(payer: WalletPayer, session: OpenSession) -> Flow[None]:
    wallet = yield from chain.read_wallet(payer.rpc_url, payer.wallet)
    amount = min(session.deposit, wallet.balance)
    if payer.limits.max_session_deposit is not None:
        amount = min(amount, payer.limits.max_session_deposit)
    check_balance(amount, session.price)
    check_verdict(wallet, amount, session.accounts.payee, payer.category)
    ix = programs.top_up_session(
        session.accounts, agent=payer.agent_key, amount=amount, category=payer.category
    )
    blockhash = yield from chain.latest_blockhash(payer.rpc_url)
    transaction = partially_signed([ix], session.fee_payer, payer.agent, blockhash)
    authorization = session.credential({
        "action": "topUp", "channelId": str(session.channel),
        "additionalAmount": str(amount), "transaction": transaction,
    })  # fmt: skip
    request = httpx.Request("GET", session.url, headers={session.challenge.header: authorization})
    response = yield from send(request)
    if not response.is_success:
        raise refusal(response)
    session.deposit += amount


def close(payer: WalletPayer, origin: str) -> Flow[dict[str, Any] | None]:
    """Closes the session held for `origin` with its last voucher; what the provider answered.
    A session whose close fails is kept (and the error raised), so it can be tried again."""
    session = payer.sessions.get(origin)
    if session is None:
        return None
    action: dict[str, Any] = {"action": "close", "channelId": str(session.channel)}
    if session.last_voucher is not None:
        action["voucher"] = session.last_voucher.to_json()
    request = httpx.Request(
        "GET", session.url, headers={session.challenge.header: session.credential(action)}
    )
    response = yield from send(request)
    if response.status_code == 410:
        payer.sessions.pop(origin, None)
        return {"channelId": str(session.channel), "gone": True}
    if not response.is_success:
        raise refusal(response)
    payer.sessions.pop(origin, None)
    answer = response.json() if response.content else {}
    answer = answer if isinstance(answer, dict) else {}
    tx = answer.get("txHash")
    if isinstance(tx, str):
        payer.reporter.session_closed(str(session.channel), tx)
    return answer
