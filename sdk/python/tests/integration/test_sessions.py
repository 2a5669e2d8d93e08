"""Payment sessions against the real provider: many requests, two transactions."""

from __future__ import annotations

import time

from solders.pubkey import Pubkey

import mpppal

from .helpers import agent_key, eventually, policy, wallet_of
from .stack import Stack


def test_200_requests_in_one_session_take_exactly_two_transactions(stack: Stack) -> None:
    provider = stack.provider(1_000)
    account, agent = stack.account(policy())
    reporter = mpppal.ApiReporter(agent_key(stack), account.account_id)
    before = stack.usdc(provider.recipient)
    channels = set()
    with mpppal.Client(
        wallet=wallet_of(account, agent), rpc_url=stack.rpc_url, reporter=reporter
    ) as client:
        for _ in range(200):
            response = client.get(f"{provider.url}/session")
            assert response.status_code == 200
            paid = mpppal.payment_of(response)
            assert paid is not None
            channels.add(paid.channel)
        closed = client.close_sessions()
    assert len(channels) == 1
    assert len(closed) == 1
    channel = Pubkey.from_string(str(channels.pop()))
    # The open and the close: every voucher in between stayed off chain.
    assert len(stack.signatures_for(channel)) == 2
    # The opening request is served unmetered; the 199 after it carry vouchers.
    assert stack.usdc(provider.recipient) == before + 199 * 1_000
    delivered = reporter.flush()
    assert (delivered.sessions_opened, delivered.sessions_closed) == (1, 1), delivered.errors
    assert delivered.vouchers >= 1
    with stack.operator() as api:
        session = eventually(
            "the session to be recorded as settled",
            lambda: next((s for s in api.list_sessions(accountId=account.account_id).items
                          if s.status == "settled"), None),
        )  # fmt: skip
    assert session.paid == 199 * 1_000
    assert session.running_total == 199 * 1_000
    assert session.channel == str(channel)


async def test_an_async_session_tops_up_within_its_cap_and_closes_on_exit(stack: Stack) -> None:
    provider = stack.provider(1_000)
    account, agent = stack.account(policy())
    async with mpppal.AsyncClient(
        wallet=wallet_of(account, agent), rpc_url=stack.rpc_url, max_session_deposit=3_000
    ) as client:
        for _ in range(8):
            assert (await client.get(f"{provider.url}/session")).status_code == 200
        paid = mpppal.payment_of(await client.get(f"{provider.url}/session"))
    assert paid is not None
    channel = Pubkey.from_string(str(paid.channel))
    # open (3,000), two top-ups (3,000 each) for 8 vouchers, then the close on exit.
    assert len(stack.signatures_for(channel)) == 4
    assert stack.usdc(provider.recipient) >= 8_000


def test_a_session_the_provider_forgot_is_reopened(stack: Stack) -> None:
    provider = stack.provider(1_000)
    account, agent = stack.account(policy())
    with mpppal.Client(wallet=wallet_of(account, agent), rpc_url=stack.rpc_url) as client:
        first = mpppal.payment_of(client.get(f"{provider.url}/session"))
        client.get(f"{provider.url}/session")
        # A provider restarted without its channel store answers 410 for the old channel.
        port = provider.url.rsplit(":", 1)[1]
        provider.process.stop()
        restarted = stack.provider_on(int(port), 1_000)
        response = client.get(f"{restarted.url}/session")
        again = mpppal.payment_of(response)
    assert response.status_code == 200
    assert first is not None
    assert again is not None
    assert again.channel != first.channel


def test_an_idle_session_is_closed_by_the_next_request(stack: Stack) -> None:
    first, second = stack.provider(1_000), stack.provider(1_000)
    account, agent = stack.account(policy())
    with mpppal.Client(
        wallet=wallet_of(account, agent), rpc_url=stack.rpc_url, idle_timeout=0.5
    ) as client:
        paid = mpppal.payment_of(client.get(f"{first.url}/session"))
        assert paid is not None
        time.sleep(1.0)
        client.get(f"{second.url}/session")
        channel = Pubkey.from_string(str(paid.channel))
        # Closed by the request to the other provider, before this client closed anything.
        assert len(stack.signatures_for(channel)) == 2
        assert len(client.transport.payer.sessions) == 1  # type: ignore[union-attr]
