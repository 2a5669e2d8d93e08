"""The paying clients: `PaymentTransport` / `AsyncPaymentTransport` make any httpx client pay,
and `Client` / `AsyncClient` wrap an httpx client with one. Requests to one provider origin go
one at a time (a session's cumulative vouchers must arrive in order); other origins are not
held up by them."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from . import sessions
from .custodial_payer import CustodialAccount, CustodialPayer
from .effects import Flow, Send, run_async, run_sync
from .errors import InvalidArgumentError
from .keypair_payer import KeypairPayer
from .payer import Limits, Vet, WalletPayer, origin_of
from .reporter import Reporter

Payer = WalletPayer | KeypairPayer | CustodialPayer


@dataclass(frozen=True)
class AgentWallet:
    """An MPPPal wallet (the wallet PDA, `solanaAddress` in the API) and its agent key."""

    agent: Keypair
    wallet: Pubkey

    def __post_init__(self) -> None:
        if not isinstance(self.agent, Keypair):
            raise InvalidArgumentError("agent must be a solders Keypair (the agent's key)")
        if not isinstance(self.wallet, Pubkey):
            raise InvalidArgumentError("wallet must be the wallet PDA, a solders Pubkey")

    @classmethod
    def of(cls, agent: Keypair, wallet: Pubkey | str) -> AgentWallet:
        """`wallet` may be base58 text (the account's `solanaAddress`)."""
        if isinstance(wallet, str):
            try:
                wallet = Pubkey.from_string(wallet)
            except ValueError as error:
                raise InvalidArgumentError(f"wallet is not a base58 address: {wallet!r}") from error
        return cls(agent, wallet)


Wallet = AgentWallet | Keypair | CustodialAccount


def make_payer(
    wallet: Wallet,
    *,
    rpc_url: str | None,
    reporter: Reporter | None,
    max_price: int | None,
    max_session_deposit: int | None,
    allowed_origins: Iterable[str] | None,
    vet: Vet | None,
    category: str | None,
    fee_payer: Keypair | None,
    use_receipts: bool = True,
) -> Payer:
    for name, value in (("max_price", max_price), ("max_session_deposit", max_session_deposit)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value <= 0
        ):
            raise InvalidArgumentError(f"{name} must be a positive int of base units")
    origins = None
    if allowed_origins is not None:
        if isinstance(allowed_origins, str):
            raise InvalidArgumentError("allowed_origins is a list of origins, not one string")
        urls = [httpx.URL(o) for o in allowed_origins]
        bad = [str(u) for u in urls if u.scheme not in ("http", "https") or not u.host]
        if bad:
            raise InvalidArgumentError(f"allowed_origins must be http(s) origins, got {bad}")
        origins = frozenset(origin_of(u) for u in urls)
    limits = Limits(max_price, max_session_deposit, origins, vet)
    if isinstance(wallet, CustodialAccount):
        return CustodialPayer(wallet, limits, category)
    if rpc_url is None:
        raise InvalidArgumentError("rpc_url is required to pay from a wallet or keypair")
    if isinstance(wallet, Keypair):
        return KeypairPayer(wallet, rpc_url, limits)
    if not isinstance(wallet, AgentWallet):
        raise InvalidArgumentError("wallet must be an AgentWallet, a Keypair or a CustodialAccount")
    return WalletPayer(
        wallet.agent, wallet.wallet, rpc_url, reporter or Reporter(), limits, category, fee_payer,
        use_receipts=use_receipts,
    )  # fmt: skip


class _Origins:
    """One lock per provider origin."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def lock(self, origin: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(origin, threading.Lock())


class PaymentTransport(httpx.BaseTransport):
    """An httpx transport that pays 402s: `httpx.Client(transport=PaymentTransport(...))`."""

    def __init__(
        self,
        payer: Payer,
        inner: httpx.BaseTransport | None = None,
        *,
        idle_timeout: float | None = None,
    ) -> None:
        self.payer = payer
        self._inner = inner or httpx.HTTPTransport()
        self._plain = httpx.Client(timeout=30.0)
        self._origins = _Origins()
        self._idle_timeout = idle_timeout

    def _send(self, effect: Send) -> httpx.Response:
        if effect.via == "http":
            return self._inner.handle_request(effect.request)
        return self._plain.send(effect.request)

    def run(self, flow: Flow[Any]) -> Any:
        return run_sync(flow, self._send)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._idle_timeout is not None:
            # Sessions nobody used for a while are closed so their unspent deposit comes back.
            self.close_sessions(idle_for=self._idle_timeout)
        with self._origins.lock(origin_of(request.url)):
            response: httpx.Response = run_sync(self.payer.execute(request), self._send)
            return response

    def close_sessions(self, *, idle_for: float | None = None) -> list[dict[str, Any]]:
        """Closes open sessions (only those unused for `idle_for` seconds, if given)."""
        payer = self.payer
        if not isinstance(payer, WalletPayer):
            return []
        closed = []
        for origin in list(payer.sessions):
            with self._origins.lock(origin):
                held = payer.sessions.get(origin)
                if held is None:
                    continue
                if idle_for is not None and time.monotonic() - held.last_used < idle_for:
                    continue
                answer = run_sync(sessions.close(payer, origin), self._send)
                if answer is not None:
                    closed.append(answer)
        return closed

    def close(self) -> None:
        try:
            self.close_sessions()
        finally:
            self._inner.close()
            self._plain.close()


class AsyncPaymentTransport(httpx.AsyncBaseTransport):
    """The asynchronous transport: `httpx.AsyncClient(transport=AsyncPaymentTransport(...))`."""

    def __init__(
        self,
        payer: Payer,
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        idle_timeout: float | None = None,
    ) -> None:
        self.payer = payer
        self._inner = inner or httpx.AsyncHTTPTransport()
        self._plain = httpx.AsyncClient(timeout=30.0)
        self._locks: dict[str, asyncio.Lock] = {}
        self._idle_timeout = idle_timeout

    def _lock(self, origin: str) -> asyncio.Lock:
        return self._locks.setdefault(origin, asyncio.Lock())

    async def _send(self, effect: Send) -> httpx.Response:
        if effect.via == "http":
            return await self._inner.handle_async_request(effect.request)
        return await self._plain.send(effect.request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._idle_timeout is not None:
            await self.close_sessions(idle_for=self._idle_timeout)
        async with self._lock(origin_of(request.url)):
            response: httpx.Response = await run_async(self.payer.execute(request), self._send)
            return response

    async def close_sessions(self, *, idle_for: float | None = None) -> list[dict[str, Any]]:
        payer = self.payer
        if not isinstance(payer, WalletPayer):
            return []
        closed = []
        for origin in list(payer.sessions):
            async with self._lock(origin):
                held = payer.sessions.get(origin)
                if held is None:
                    continue
                if idle_for is not None and time.monotonic() - held.last_used < idle_for:
                    continue
                answer = await run_async(sessions.close(payer, origin), self._send)
                if answer is not None:
                    closed.append(answer)
        return closed

    async def aclose(self) -> None:
        try:
            await self.close_sessions()
        finally:
            await self._inner.aclose()
            await self._plain.aclose()


class Client:
    """A synchronous HTTP client that pays. `wallet` is an `AgentWallet` (MPPPal wallet with
    its agent key), a plain `Keypair`, or a `CustodialAccount`. Responses are httpx responses;
    `mpppal.payment_of(response)` tells what was paid and the server's receipt."""

    def __init__(
        self,
        *,
        wallet: Wallet,
        rpc_url: str | None = None,
        reporter: Reporter | None = None,
        max_price: int | None = None,
        max_session_deposit: int | None = None,
        allowed_origins: Iterable[str] | None = None,
        vet: Vet | None = None,
        category: str | None = None,
        fee_payer: Keypair | None = None,
        use_receipts: bool = True,
        idle_timeout: float | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        payer = make_payer(
            wallet, rpc_url=rpc_url, reporter=reporter, max_price=max_price,
            max_session_deposit=max_session_deposit, allowed_origins=allowed_origins, vet=vet,
            category=category, fee_payer=fee_payer, use_receipts=use_receipts,
        )  # fmt: skip
        self.transport = PaymentTransport(payer, transport, idle_timeout=idle_timeout)
        self.http = httpx.Client(transport=self.transport, timeout=timeout)
        self._reporter = reporter

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, url, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.http.post(url, **kwargs)

    def close_sessions(self) -> list[dict[str, Any]]:
        return self.transport.close_sessions()

    def close_idle_sessions(self, idle_for: float) -> list[dict[str, Any]]:
        return self.transport.close_sessions(idle_for=idle_for)

    def close(self) -> None:
        """Closes open sessions (their unspent deposit comes back), then the connections."""
        try:
            self.http.close()
        finally:
            if self._reporter is not None:
                self._reporter.flush()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClient:
    """The asynchronous paying client: the methods of `Client`, awaited."""

    def __init__(
        self,
        *,
        wallet: Wallet,
        rpc_url: str | None = None,
        reporter: Reporter | None = None,
        max_price: int | None = None,
        max_session_deposit: int | None = None,
        allowed_origins: Iterable[str] | None = None,
        vet: Vet | None = None,
        category: str | None = None,
        fee_payer: Keypair | None = None,
        use_receipts: bool = True,
        idle_timeout: float | None = None,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        payer = make_payer(
            wallet, rpc_url=rpc_url, reporter=reporter, max_price=max_price,
            max_session_deposit=max_session_deposit, allowed_origins=allowed_origins, vet=vet,
            category=category, fee_payer=fee_payer, use_receipts=use_receipts,
        )  # fmt: skip
        self.transport = AsyncPaymentTransport(payer, transport, idle_timeout=idle_timeout)
        self.http = httpx.AsyncClient(transport=self.transport, timeout=timeout)
        self._reporter = reporter

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return await self.http.request(method, url, **kwargs)

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.http.get(url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.http.post(url, **kwargs)

    async def close_sessions(self) -> list[dict[str, Any]]:
        return await self.transport.close_sessions()

    async def close_idle_sessions(self, idle_for: float) -> list[dict[str, Any]]:
        return await self.transport.close_sessions(idle_for=idle_for)

    async def aclose(self) -> None:
        try:
            await self.http.aclose()
        finally:
            if self._reporter is not None:
                await asyncio.to_thread(self._reporter.flush)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
