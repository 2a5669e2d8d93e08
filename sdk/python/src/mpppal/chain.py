"""The Solana JSON-RPC calls the paying clients make, as flows (effects.py), and the wallet
account's layout (Borsh, after Anchor's 8-byte discriminator)."""

from __future__ import annotations

import base64
import itertools
import json
import struct
from dataclasses import dataclass
from typing import Any

import httpx
from solders.hash import Hash
from solders.pubkey import Pubkey
from solders.transaction import Transaction

from .effects import Flow, send, sleep
from .errors import ChainError
from .policy import Policy, SpendState
from .programs import POLICY_PROGRAM_ID

_ids = itertools.count(1)


def call(rpc_url: str, method: str, params: list[Any]) -> Flow[Any]:
    body = {"jsonrpc": "2.0", "id": next(_ids), "method": method, "params": params}
    request = httpx.Request(
        "POST", rpc_url, content=json.dumps(body), headers={"content-type": "application/json"}
    )
    try:
        response = yield from send(request, via="rpc")
    except httpx.TransportError as error:
        raise ChainError(f"cannot reach the Solana RPC node at {rpc_url}: {error}") from error
    try:
        answer = response.json()
    except ValueError as error:
        raise ChainError(f"{method}: the RPC node answered {response.status_code}") from error
    if "error" in answer:
        raise ChainError(f"{method}: {answer['error'].get('message', answer['error'])}")
    return answer.get("result")


@dataclass(frozen=True)
class WalletState:
    """A wallet account as the Policy Program stores it, and its vault balance."""

    address: Pubkey
    wallet_key: Pubkey
    owner: Pubkey
    agent: Pubkey
    mint: Pubkey
    vault: Pubkey
    policy: Policy
    policy_version: int
    spend: SpendState
    nonce: int
    balance: int


def _decode_wallet(address: Pubkey, data: bytes, balance: int) -> WalletState:
    at = 8
    keys = []
    for _ in range(5):
        keys.append(Pubkey.from_bytes(data[at : at + 32]))
        at += 32
    single, daily, n = struct.unpack_from("<QQI", data, at)
    at += 20
    counterparties = []
    for _ in range(n):
        counterparties.append(Pubkey.from_bytes(data[at : at + 32]))
        at += 32
    (n,) = struct.unpack_from("<I", data, at)
    at += 4
    categories = []
    for _ in range(n):
        (length,) = struct.unpack_from("<I", data, at)
        at += 4
        categories.append(data[at : at + length].decode())
        at += length
    require_memo = data[at] == 1
    at += 1
    threshold = None
    if data[at] == 1:
        (threshold,) = struct.unpack_from("<Q", data, at + 1)
        at += 9
    else:
        at += 1
    paused = data[at] == 1
    at += 1
    version, day, spent, nonce = struct.unpack_from("<IqQQ", data, at)
    policy = Policy(
        max_single_transfer=single,
        max_daily_spend=daily,
        allowed_counterparties=tuple(counterparties),
        categories=tuple(categories),
        require_memo=require_memo,
        escalation_threshold=threshold,
        paused=paused,
    )
    return WalletState(
        address, keys[0], keys[1], keys[2], keys[3], keys[4], policy, version,
        SpendState(day, spent), nonce, balance,
    )  # fmt: skip


def read_wallet(rpc_url: str, address: Pubkey) -> Flow[WalletState]:
    info = yield from call(rpc_url, "getAccountInfo", [str(address), {"encoding": "base64"}])
    value = info.get("value") if isinstance(info, dict) else None
    if not value:
        raise ChainError(f"wallet {address} not found")
    if value.get("owner") != str(POLICY_PROGRAM_ID):
        raise ChainError(f"{address} is not an MPPPal wallet")
    data = base64.b64decode(value["data"][0])
    try:
        vault = Pubkey.from_bytes(data[8 + 128 : 8 + 160])
    except ValueError as error:
        raise ChainError(f"{address} is not an MPPPal wallet") from error
    balance = yield from token_balance(rpc_url, vault)
    try:
        return _decode_wallet(address, data, balance)
    except (struct.error, ValueError, IndexError) as error:
        raise ChainError(f"{address} is not an MPPPal wallet") from error


def token_balance(rpc_url: str, account: Pubkey) -> Flow[int]:
    result = yield from call(rpc_url, "getTokenAccountBalance", [str(account)])
    return int(result["value"]["amount"])


def latest_blockhash(rpc_url: str) -> Flow[Hash]:
    result = yield from call(rpc_url, "getLatestBlockhash", [{"commitment": "confirmed"}])
    return Hash.from_string(result["value"]["blockhash"])


def send_and_confirm(rpc_url: str, tx: Transaction, timeout: float = 30.0) -> Flow[str]:
    """Sends `tx` and waits until it is `confirmed`; its signature."""
    wire = base64.b64encode(bytes(tx)).decode()
    signature = yield from call(
        rpc_url,
        "sendTransaction",
        [wire, {"encoding": "base64", "preflightCommitment": "confirmed"}],
    )
    waited = 0.0
    while waited < timeout:
        statuses = yield from call(rpc_url, "getSignatureStatuses", [[signature]])
        status = statuses["value"][0]
        if status is not None:
            if status.get("err") is not None:
                raise ChainError(f"transaction {signature} failed: {status['err']}")
            if status.get("confirmationStatus") in ("confirmed", "finalized"):
                return str(signature)
        yield from sleep(0.2)
        waited += 0.2
    raise ChainError(f"transaction {signature} was not confirmed within {timeout} s")
