"""Small things the integration tests share."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import httpx
from solders.keypair import Keypair
from solders.pubkey import Pubkey

import mpppal

from .stack import USDC, Stack

T = TypeVar("T")


def policy(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {"maxSingleTransfer": 5 * USDC, "maxDailySpend": 50 * USDC}
    base.update(overrides)
    return base


def wallet_of(account: mpppal.models.AccountView, agent: Keypair | None) -> mpppal.AgentWallet:
    assert agent is not None
    return mpppal.AgentWallet(agent, Pubkey.from_string(account.solana_address))


def agent_key(stack: Stack) -> mpppal.ApiCredentials:
    """A key with only the `agent` scope, as an agent would hold."""
    with stack.operator() as api:
        created = api.create_api_key("agent", ["agent"])
    assert created.secret is not None
    return mpppal.ApiCredentials(created.key_id, created.secret, stack.api_url)


class CountingTransport(httpx.BaseTransport):
    """Counts the requests that carried a Payment credential (proof nothing was signed)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.paid = 0
        self.sent = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        if request.headers.get("authorization", "").startswith("Payment "):
            self.paid += 1
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def eventually(what: str, check: Callable[[], T | None], timeout: float = 60.0) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.25)
    raise TimeoutError(f"timed out waiting for {what}")
