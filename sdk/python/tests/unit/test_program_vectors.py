"""PDAs and the instructions agents sign, byte for byte against the Rust builders."""

from __future__ import annotations

from typing import Any

import pytest
from solders.instruction import Instruction
from solders.pubkey import Pubkey

from mpppal import programs as p

from .vectors import name_of, rows


def key(value: str | None) -> Pubkey | None:
    return None if value is None else Pubkey.from_string(value)


def req(value: str | None) -> Pubkey:
    assert value is not None
    return Pubkey.from_string(value)


def test_settlement_authority_is_its_pda_with_bump_251() -> None:
    derived, bump = Pubkey.find_program_address([b"settlement-authority"], p.SETTLEMENT_PROGRAM_ID)
    assert derived == p.SETTLEMENT_AUTHORITY
    assert bump == 251


def address_of(kind: str, inputs: dict[str, Any]) -> Pubkey:
    match kind:
        case "wallet":
            return p.wallet_address(req(inputs["walletKey"]))
        case "vault":
            return p.vault_address(req(inputs["wallet"]), req(inputs["mint"]))
        case "tokenAccount":
            return p.token_account(req(inputs["owner"]), req(inputs["mint"]))
        case "session":
            return p.session_address(req(inputs["wallet"]), int(inputs["sessionId"]))
        case "escrow":
            return p.escrow_address(req(inputs["session"]))
        case "receiptRecord":
            return p.receipt_record_address(
                req(inputs["wallet"]), bytes.fromhex(inputs["challengeHash"])
            )
    raise AssertionError(f"unknown address kind {kind}")


@pytest.mark.parametrize("row", rows("addresses"), ids=name_of)
def test_address(row: dict[str, Any]) -> None:
    assert str(address_of(row["kind"], row["inputs"])) == row["address"]


def build(builder: str, i: dict[str, Any]) -> Instruction:
    def opt_int(name: str) -> int:
        return int(i[name])

    if builder == "policy.transfer":
        accounts = p.PaymentAccounts(
            agent=req(i["agent"]),
            wallet=req(i["wallet"]),
            mint=req(i["mint"]),
            destination=req(i["destination"]),
            owner_cosigner=key(i.get("ownerCosigner")),
        )
        return p.policy_transfer(
            accounts,
            amount=opt_int("amount"),
            nonce=opt_int("nonce"),
            memo=i.get("memo"),
            category=i.get("category"),
        )
    s = p.SessionAccounts(
        wallet=req(i["wallet"]),
        mint=req(i["mint"]),
        session_id=int(i["sessionId"]),
        payee=req(i["payee"]),
        rent_payer=req(i["rentPayer"]),
    )
    if builder == "settlement.openSession":
        return p.open_session(
            s,
            agent=req(i["agent"]),
            owner_cosigner=key(i.get("ownerCosigner")),
            deposit=opt_int("deposit"),
            expires_at=opt_int("expiresAt"),
            memo=i.get("memo"),
            category=i.get("category"),
        )
    assert builder == "settlement.topUpSession", builder
    return p.top_up_session(
        s,
        agent=req(i["agent"]),
        owner_cosigner=key(i.get("ownerCosigner")),
        amount=opt_int("amount"),
        memo=i.get("memo"),
        category=i.get("category"),
    )


@pytest.mark.parametrize("row", rows("instructions"), ids=name_of)
def test_instruction(row: dict[str, Any]) -> None:
    ix = build(row["builder"], row["inputs"])
    assert str(ix.program_id) == row["programId"]
    metas = [
        {"pubkey": str(a.pubkey), "isSigner": a.is_signer, "isWritable": a.is_writable}
        for a in ix.accounts
    ]
    assert metas == row["accounts"]
    assert bytes(ix.data).hex() == row["data"]
