"""Transactions a payer signs: partially (the server's fee payer signs later) or fully."""

from __future__ import annotations

import base64
from collections.abc import Sequence

from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.transaction import Transaction


def partially_signed(
    instructions: Sequence[Instruction], fee_payer: Pubkey, signer: Keypair, blockhash: Hash
) -> str:
    """Base64 of the wire transaction with `fee_payer` first and its slot left empty."""
    message = Message.new_with_blockhash(list(instructions), fee_payer, blockhash)
    tx = Transaction.new_unsigned(message)
    tx.partial_sign([signer], blockhash)
    return base64.b64encode(bytes(tx)).decode()


def signed(
    instructions: Sequence[Instruction], payer: Keypair, signers: Sequence[Keypair], blockhash: Hash
) -> Transaction:
    message = Message.new_with_blockhash(list(instructions), payer.pubkey(), blockhash)
    unique = {bytes(k.pubkey()): k for k in [payer, *signers]}
    return Transaction(list(unique.values()), message, blockhash)
