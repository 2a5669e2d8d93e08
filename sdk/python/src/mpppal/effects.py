"""One implementation, two ways to run it. The SDK's logic (signing, retries, the 402 loop)
is written once as generators that yield what they need done — an HTTP request to send, or a
pause — and receive the result. `run_sync` drives them with an `httpx.Client` and
`time.sleep`, `run_async` with an `httpx.AsyncClient` and `asyncio.sleep`, so the sync and
async clients cannot drift apart."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Protocol, TypeVar

import httpx

T = TypeVar("T")


@dataclass(frozen=True)
class Sleep:
    seconds: float


@dataclass(frozen=True)
class Send:
    """Send `request`; `via` names which client (the service's or the chain's)."""

    request: httpx.Request
    via: str = "http"


Effect = Send | Sleep
Flow = Generator[Effect, httpx.Response | None, T]

SyncSender = Callable[[Send], httpx.Response]


class AsyncSender(Protocol):
    def __call__(self, effect: Send, /) -> Awaitable[httpx.Response]: ...


def run_sync(flow: Flow[T], send: SyncSender) -> T:
    """Drives `flow`: a network error is thrown into it, so its retry logic decides."""
    try:
        effect = next(flow)
        while True:
            if isinstance(effect, Sleep):
                time.sleep(effect.seconds)
                effect = flow.send(None)
                continue
            try:
                response = send(effect)
                response.read()
            except httpx.TransportError as error:
                effect = flow.throw(error)
                continue
            effect = flow.send(response)
    except StopIteration as done:
        result: T = done.value
        return result


async def run_async(flow: Flow[T], send: AsyncSender) -> T:
    try:
        effect = next(flow)
        while True:
            if isinstance(effect, Sleep):
                await asyncio.sleep(effect.seconds)
                effect = flow.send(None)
                continue
            try:
                response = await send(effect)
                await response.aread()
            except httpx.TransportError as error:
                effect = flow.throw(error)
                continue
            effect = flow.send(response)
    except StopIteration as done:
        result: T = done.value
        return result


def send(request: httpx.Request, via: str = "http") -> Flow[httpx.Response]:
    """Yields one request; the response (a network error is raised here)."""
    response = yield Send(request, via)
    assert response is not None
    return response


def sleep(seconds: float) -> Flow[None]:
    yield Sleep(seconds)
