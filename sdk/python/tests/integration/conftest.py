from __future__ import annotations

from collections.abc import Iterator

import pytest

from .stack import Provider, Stack, start_stack


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    running = start_stack()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def provider(stack: Stack) -> Provider:
    """A provider of its own per test (so receipts other tests settle never land in its
    balance), charging 10,000 base units (0.01 USDC) per request."""
    return stack.provider(10_000)
