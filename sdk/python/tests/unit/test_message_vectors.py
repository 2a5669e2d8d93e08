"""Signed bytes: vouchers, receipts, credentials, HMAC and webhook signatures, as the Rust core
computes them."""

from __future__ import annotations

from typing import Any

import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from mpppal import signing, webhooks
from mpppal.credentials import format_authorization, parse_challenge
from mpppal.messages import ReceiptFields, SignedVoucher, challenge_hash, voucher_message

from .vectors import name_of, rows


def keypair(seed_hex: str) -> Keypair:
    return Keypair.from_seed(bytes.fromhex(seed_hex))


@pytest.mark.parametrize("row", rows("vouchers"), ids=name_of)
def test_voucher_bytes_signature_and_payload(row: dict[str, Any]) -> None:
    key = keypair(row["signerSecretKey"])
    assert str(key.pubkey()) == row["signer"]
    channel = Pubkey.from_string(row["channel"])
    cumulative, expires_at = int(row["cumulative"]), int(row["expiresAt"])
    assert voucher_message(channel, cumulative, expires_at).hex() == row["message"]
    voucher = SignedVoucher.sign(key, channel, cumulative, expires_at)
    assert str(voucher.signature) == row["signature"]
    assert voucher.to_json() == row["payload"]
    assert list(voucher.to_json()) == list(row["payload"])
    assert voucher.verify()


@pytest.mark.parametrize("row", rows("receipts"), ids=name_of)
def test_receipt_bytes_and_signature(row: dict[str, Any]) -> None:
    key = keypair(row["signerSecretKey"])
    fields = ReceiptFields(
        wallet=Pubkey.from_string(row["wallet"]),
        recipient=Pubkey.from_string(row["recipient"]),
        mint=Pubkey.from_string(row["mint"]),
        amount=int(row["amount"]),
        expires_at=int(row["expiresAt"]),
        challenge_id=row["challengeId"],
        category=row["category"],
    )
    assert challenge_hash(row["challengeId"]).hex() == row["challengeHash"]
    assert fields.message().hex() == row["message"]
    assert str(key.sign_message(fields.message())) == row["signature"]


@pytest.mark.parametrize("row", rows("credentials"), ids=name_of)
def test_credential_header_bytes(row: dict[str, Any]) -> None:
    challenge = parse_challenge(row["wwwAuthenticate"])
    if "challengeId" in row:
        assert challenge.id == row["challengeId"]
    assert format_authorization(challenge, row["payload"]) == row["authorization"]


@pytest.mark.parametrize("row", rows("hmac"), ids=name_of)
def test_hmac_request_signature(row: dict[str, Any]) -> None:
    body = row["body"].encode()
    args = (row["method"], row["path"], row["query"], int(row["timestamp"]), body)
    assert signing.canonical(*args) == row["canonical"]
    assert signing.authorization(row["keyId"], row["secret"], *args) == row["authorization"]


@pytest.mark.parametrize("row", rows("webhooks"), ids=name_of)
def test_webhook_signature(row: dict[str, Any]) -> None:
    signature = webhooks.sign(row["secret"], row["id"], int(row["timestamp"]), row["body"])
    assert signature == row["signature"]
