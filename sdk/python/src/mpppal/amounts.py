"""Money as integers of base units (u64, like the programs), checked at the edges."""

from __future__ import annotations

from .errors import InvalidArgumentError

U64_MAX = 2**64 - 1
I64_MAX = 2**63 - 1
I64_MIN = -(2**63)


def u64(name: str, value: object) -> int:
    """`value` as a u64, or an `InvalidArgumentError` naming `name`; floats are refused so
    that no rounding can change an amount."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(
            f"{name} must be an int of base units, not {type(value).__name__}"
        )
    if not 0 <= value <= U64_MAX:
        raise InvalidArgumentError(f"{name} must be between 0 and 2^64-1, got {value}")
    return value


def i64(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(f"{name} must be an int, not {type(value).__name__}")
    if not I64_MIN <= value <= I64_MAX:
        raise InvalidArgumentError(f"{name} does not fit in 64 signed bits: {value}")
    return value


def base_units(name: str, text: str) -> int:
    """A wire amount: a decimal string without sign, fraction or leading zeros, above zero and
    within 64 bits (the MPP drafts' rule, as `mpppal-solana` applies it)."""
    canonical = (
        text != "" and text.isascii() and text.isdigit() and not (len(text) > 1 and text[0] == "0")
    )
    if not canonical:
        raise InvalidArgumentError(
            f"{name} must be a decimal integer of base units"
            " without sign, fraction or leading zeros"
        )
    value = int(text)
    if value == 0:
        raise InvalidArgumentError(f"{name} must be above zero")
    if value > U64_MAX:
        raise InvalidArgumentError(f"{name} does not fit in 64 bits")
    return value
