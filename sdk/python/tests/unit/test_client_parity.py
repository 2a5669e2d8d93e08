"""The sync and async clients offer the same methods."""

from __future__ import annotations

import inspect

import mpppal


def public(cls: type) -> dict[str, object]:
    return {n: m for n, m in vars(cls).items() if not n.startswith("_") and callable(m)}


def test_the_operator_clients_have_the_same_methods_and_arguments() -> None:
    sync, async_ = public(mpppal.MppPal), public(mpppal.AsyncMppPal)
    assert set(sync) - {"close"} == set(async_) - {"aclose"}
    for name, method in sync.items():
        if name == "close":
            continue
        other = async_[name]
        assert inspect.iscoroutinefunction(other) or inspect.isasyncgenfunction(other), name
        sync_params = list(inspect.signature(method).parameters)  # type: ignore[arg-type]
        async_params = list(inspect.signature(other).parameters)
        assert sync_params == async_params, name


def test_the_paying_clients_have_the_same_methods() -> None:
    sync, async_ = public(mpppal.Client), public(mpppal.AsyncClient)
    assert set(sync) - {"close"} == set(async_) - {"aclose"}
    sync_init = inspect.signature(mpppal.Client.__init__).parameters
    assert list(sync_init) == list(inspect.signature(mpppal.AsyncClient.__init__).parameters)
