"""The SDK's event types are the API's: the server's OpenAPI description lists them once."""

from __future__ import annotations

import json
from pathlib import Path

from mpppal.webhooks import EVENT_TYPES

SPEC = Path(__file__).resolve().parents[4] / "dashboard" / "openapi.json"


def test_the_event_types_are_the_ones_the_server_describes() -> None:
    spec = json.loads(SPEC.read_text())
    assert set(spec["components"]["schemas"]["EventType"]["enum"]) == EVENT_TYPES
