"""The messages agents sign off chain (docs/programs.md, "Signed messages"): the 50-byte session
voucher and the 178-byte deferred payment receipt, with their Ed25519 signatures."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from typing import Any

from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature

from .amounts import i64, u64
from .errors import InvalidArgumentError

VOUCHER_LEN = 50
RECEIPT_LEN = 178
CATEGORY_LEN = 32


def voucher_message(channel: Pubkey, cumulative: int, expires_at: int = 0) -> bytes:
    """`0x56 0x01 ‖ channel (32) ‖ cumulative u64 LE ‖ expires_at i64 LE (0 = none)`."""
    return (
        b"\x56\x01"
        + bytes(channel)
        + struct.pack("<Qq", u64("cumulative", cumulative), i64("expires_at", expires_at))
    )


def challenge_hash(challenge_id: str) -> bytes:
    """SHA-256 of an MPP challenge id, as receipts and receipt records carry it."""
    return hashlib.sha256(challenge_id.encode()).digest()


def category_field(category: str | None) -> bytes:
    """A category as a receipt carries it: UTF-8, zero-padded to 32 bytes; none is all zeros."""
    if category is None:
        return bytes(CATEGORY_LEN)
    raw = category.encode()
    if len(raw) > CATEGORY_LEN or b"\x00" in raw:
        raise InvalidArgumentError("a receipt's category is at most 32 bytes, without NUL")
    return raw + bytes(CATEGORY_LEN - len(raw))


@dataclass(frozen=True)
class ReceiptFields:
    """What a deferred receipt binds: amount, recipient, mint and challenge come from the
    challenge, never from the payload, so a receipt pays exactly what was asked, once."""

    wallet: Pubkey
    recipient: Pubkey
    mint: Pubkey
    amount: int
    expires_at: int
    challenge_id: str
    category: str | None = None

    def message(self) -> bytes:
        """`0x52 0x01 ‖ wallet ‖ recipient ‖ mint ‖ amount u64 LE ‖ expires_at i64 LE ‖
        sha256(challenge id) ‖ category (32)`."""
        return (
            b"\x52\x01"
            + bytes(self.wallet)
            + bytes(self.recipient)
            + bytes(self.mint)
            + struct.pack("<Qq", u64("amount", self.amount), i64("expires_at", self.expires_at))
            + challenge_hash(self.challenge_id)
            + category_field(self.category)
        )


def sign(keypair: Keypair, message: bytes) -> Signature:
    return keypair.sign_message(message)


@dataclass(frozen=True)
class SignedVoucher:
    channel: Pubkey
    cumulative: int
    expires_at: int
    signer: Pubkey
    signature: Signature

    @classmethod
    def sign(
        cls,
        keypair: Keypair,
        channel: Pubkey,
        cumulative: int,
        expires_at: int = 0,
        *,
        signer: Pubkey | None = None,
    ) -> SignedVoucher:
        """`signer` is `keypair.pubkey()`, passed by callers that sign many vouchers:
        solders derives the public key anew on every call, which costs about as much as
        half a signature."""
        signature = keypair.sign_message(voucher_message(channel, cumulative, expires_at))
        return cls(channel, cumulative, expires_at, signer or keypair.pubkey(), signature)

    def to_json(self) -> dict[str, Any]:
        """The voucher as credentials carry it (field order as the Rust SDK sends it)."""
        voucher: dict[str, Any] = {
            "channelId": str(self.channel),
            "cumulativeAmount": str(self.cumulative),
        }
        if self.expires_at != 0:
            voucher["expiresAt"] = self.expires_at
        return {
            "voucher": voucher,
            "signer": str(self.signer),
            "signature": str(self.signature),
            "signatureType": "ed25519",
        }

    def verify(self) -> bool:
        message = voucher_message(self.channel, self.cumulative, self.expires_at)
        return self.signature.verify(self.signer, message)
