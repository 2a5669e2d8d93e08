"""Loads the shared vectors the Rust core writes (tests/vectors/sdk-vectors.json at the
repository root, or $MPPPAL_VECTORS)."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[4]


@cache
def vectors() -> dict[str, Any]:
    path = Path(os.environ.get("MPPPAL_VECTORS", REPO / "tests" / "vectors" / "sdk-vectors.json"))
    if not path.exists():
        raise FileNotFoundError(
            f"shared vectors missing at {path}: run `MPPPAL_UPDATE_VECTORS=1 cargo test "
            "-p mpppal --test shared_vectors` or set MPPPAL_VECTORS"
        )
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def rows(kind: str, sub: str | None = None) -> list[Any]:
    """The rows of one kind, for pytest parametrisation (empty when the file is missing, in
    which case `test_vectors_file_is_present` fails)."""
    try:
        data: Any = vectors()[kind]
    except FileNotFoundError:
        return []
    if sub is not None:
        data = data[sub]
    assert isinstance(data, list)
    return data


def name_of(row: Any) -> str:
    return str(row.get("name") or row.get("kind") or "row")
