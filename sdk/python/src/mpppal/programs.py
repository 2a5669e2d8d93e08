"""Program ids, PDAs and the instructions an agent signs, built by hand from docs/programs.md
(Anchor: an 8-byte discriminator, `sha256("global:<name>")[..8]`, then Borsh arguments)."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey

from .amounts import i64, u64
from .errors import InvalidArgumentError

POLICY_PROGRAM_ID = Pubkey.from_string("DRY1D4akCQHJ8dTu4mWM4Nu5j8Ve566y4CkgwpZiAKWz")
SETTLEMENT_PROGRAM_ID = Pubkey.from_string("ECpwR9Daksw8p2YWj3jEsqbZ7HB59Rv9cnJEjZg89Tqh")
SETTLEMENT_AUTHORITY = Pubkey.from_string("BnEJoBRGWXSbngjz9KmJJcTfsLSLgGsUBc4xcskroPpY")
TOKEN_PROGRAM_ID = Pubkey.from_string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
TOKEN_2022_PROGRAM_ID = Pubkey.from_string("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")
ASSOCIATED_TOKEN_PROGRAM_ID = Pubkey.from_string("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")
SYSTEM_PROGRAM_ID = Pubkey.from_string("11111111111111111111111111111111")


# --- addresses -------------------------------------------------------------------------------


def wallet_address(wallet_key: Pubkey) -> Pubkey:
    """The wallet PDA of `wallet_key`: `["wallet", wallet_key]` under the Policy Program."""
    return Pubkey.find_program_address([b"wallet", bytes(wallet_key)], POLICY_PROGRAM_ID)[0]


def token_account(owner: Pubkey, mint: Pubkey) -> Pubkey:
    """`owner`'s associated token account for `mint` (SPL Token)."""
    seeds = [bytes(owner), bytes(TOKEN_PROGRAM_ID), bytes(mint)]
    return Pubkey.find_program_address(seeds, ASSOCIATED_TOKEN_PROGRAM_ID)[0]


def vault_address(wallet: Pubkey, mint: Pubkey) -> Pubkey:
    """The wallet's USDC: the wallet PDA's associated token account."""
    return token_account(wallet, mint)


def session_address(wallet: Pubkey, session_id: int) -> Pubkey:
    """The session PDA, which is also the channel id vouchers sign."""
    seeds = [b"session", bytes(wallet), struct.pack("<Q", u64("session_id", session_id))]
    return Pubkey.find_program_address(seeds, SETTLEMENT_PROGRAM_ID)[0]


def escrow_address(session: Pubkey) -> Pubkey:
    return Pubkey.find_program_address([b"escrow", bytes(session)], SETTLEMENT_PROGRAM_ID)[0]


def receipt_record_address(wallet: Pubkey, challenge_hash: bytes) -> Pubkey:
    if len(challenge_hash) != 32:
        raise InvalidArgumentError("challenge_hash must be 32 bytes")
    seeds = [b"receipt", bytes(wallet), challenge_hash]
    return Pubkey.find_program_address(seeds, SETTLEMENT_PROGRAM_ID)[0]


# --- Borsh -----------------------------------------------------------------------------------


def _discriminator(name: str) -> bytes:
    return hashlib.sha256(f"global:{name}".encode()).digest()[:8]


def _string(value: str) -> bytes:
    raw = value.encode()
    return struct.pack("<I", len(raw)) + raw


def _option_string(value: str | None) -> bytes:
    return b"\x00" if value is None else b"\x01" + _string(value)


def _memo_category(memo: str | None, category: str | None) -> bytes:
    return _option_string(memo) + _option_string(category)


def _optional_signer(key: Pubkey | None, program: Pubkey) -> AccountMeta:
    # Anchor marks an absent optional account by passing the program's own id in its place.
    if key is None:
        return AccountMeta(program, is_signer=False, is_writable=False)
    return AccountMeta(key, is_signer=True, is_writable=False)


def _ro(key: Pubkey) -> AccountMeta:
    return AccountMeta(key, is_signer=False, is_writable=False)


def _rw(key: Pubkey) -> AccountMeta:
    return AccountMeta(key, is_signer=False, is_writable=True)


# --- instructions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentAccounts:
    """Who pays from which wallet, and into which token account."""

    agent: Pubkey
    wallet: Pubkey
    mint: Pubkey
    destination: Pubkey
    owner_cosigner: Pubkey | None = None


def policy_transfer(
    accounts: PaymentAccounts,
    *,
    amount: int,
    nonce: int,
    memo: str | None = None,
    category: str | None = None,
) -> Instruction:
    """The Policy Program's `transfer`: pays `destination` from the wallet's vault."""
    data = (
        _discriminator("transfer")
        + struct.pack("<QQ", u64("amount", amount), u64("nonce", nonce))
        + _memo_category(memo, category)
    )
    metas = [
        AccountMeta(accounts.agent, is_signer=True, is_writable=False),
        _optional_signer(accounts.owner_cosigner, POLICY_PROGRAM_ID),
        _rw(accounts.wallet),
        _rw(vault_address(accounts.wallet, accounts.mint)),
        _ro(accounts.mint),
        _rw(accounts.destination),
        _ro(TOKEN_PROGRAM_ID),
    ]
    return Instruction(POLICY_PROGRAM_ID, data, metas)


@dataclass(frozen=True)
class SessionAccounts:
    """Where a session lives and who is in it."""

    wallet: Pubkey
    mint: Pubkey
    session_id: int
    payee: Pubkey
    rent_payer: Pubkey

    @property
    def session(self) -> Pubkey:
        return session_address(self.wallet, self.session_id)

    @property
    def escrow(self) -> Pubkey:
        return escrow_address(self.session)

    @property
    def payee_token_account(self) -> Pubkey:
        return token_account(self.payee, self.mint)


def open_session(
    s: SessionAccounts,
    *,
    agent: Pubkey,
    deposit: int,
    expires_at: int,
    owner_cosigner: Pubkey | None = None,
    memo: str | None = None,
    category: str | None = None,
) -> Instruction:
    """The Settlement Program's `open_session`; `s.rent_payer` signs and pays the rent."""
    data = (
        _discriminator("open_session")
        + struct.pack(
            "<QQq",
            u64("session_id", s.session_id),
            u64("deposit", deposit),
            i64("expires_at", expires_at),
        )
        + _memo_category(memo, category)
    )
    session = s.session
    metas = [
        AccountMeta(s.rent_payer, is_signer=True, is_writable=True),
        AccountMeta(agent, is_signer=True, is_writable=False),
        _optional_signer(owner_cosigner, SETTLEMENT_PROGRAM_ID),
        _rw(s.wallet),
        _rw(vault_address(s.wallet, s.mint)),
        _ro(s.mint),
        _ro(s.payee),
        _ro(s.payee_token_account),
        _rw(session),
        _rw(escrow_address(session)),
        _ro(SETTLEMENT_AUTHORITY),
        _ro(POLICY_PROGRAM_ID),
        _ro(TOKEN_PROGRAM_ID),
        _ro(SYSTEM_PROGRAM_ID),
    ]
    return Instruction(SETTLEMENT_PROGRAM_ID, data, metas)


def top_up_session(
    s: SessionAccounts,
    *,
    agent: Pubkey,
    amount: int,
    owner_cosigner: Pubkey | None = None,
    memo: str | None = None,
    category: str | None = None,
) -> Instruction:
    """The Settlement Program's `top_up_session`: adds `amount` to the deposit."""
    data = (
        _discriminator("top_up_session")
        + struct.pack("<Q", u64("amount", amount))
        + _memo_category(memo, category)
    )
    session = s.session
    metas = [
        AccountMeta(agent, is_signer=True, is_writable=False),
        _optional_signer(owner_cosigner, SETTLEMENT_PROGRAM_ID),
        _rw(s.wallet),
        _rw(vault_address(s.wallet, s.mint)),
        _ro(s.mint),
        _rw(session),
        _rw(escrow_address(session)),
        _ro(SETTLEMENT_AUTHORITY),
        _ro(POLICY_PROGRAM_ID),
        _ro(TOKEN_PROGRAM_ID),
    ]
    return Instruction(SETTLEMENT_PROGRAM_ID, data, metas)


def transfer_checked(
    *,
    source: Pubkey,
    mint: Pubkey,
    destination: Pubkey,
    owner: Pubkey,
    amount: int,
    decimals: int,
) -> Instruction:
    """SPL Token `TransferChecked` (instruction 12), for plain keypairs paying directly."""
    data = bytes([12]) + struct.pack("<QB", u64("amount", amount), decimals)
    metas = [
        _rw(source),
        _ro(mint),
        _rw(destination),
        AccountMeta(owner, is_signer=True, is_writable=False),
    ]
    return Instruction(TOKEN_PROGRAM_ID, data, metas)


def create_token_account_idempotent(payer: Pubkey, owner: Pubkey, mint: Pubkey) -> Instruction:
    """Associated Token Account `CreateIdempotent` (instruction 1)."""
    metas = [
        AccountMeta(payer, is_signer=True, is_writable=True),
        _rw(token_account(owner, mint)),
        _ro(owner),
        _ro(mint),
        _ro(SYSTEM_PROGRAM_ID),
        _ro(TOKEN_PROGRAM_ID),
    ]
    return Instruction(ASSOCIATED_TOKEN_PROGRAM_ID, bytes([1]), metas)
