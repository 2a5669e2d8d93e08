"""Benchmark (not a test): what paying adds, as ratios measured in one run.

1. A paid session request through `mpppal.Client` vs plain `httpx.Client` sending the same
   request with a voucher credential signed beforehand (goal: at most 1.3).
2. Vouchers signed per second by the SDK (`SignedVoucher.sign`: message, Ed25519, record) vs
   raw Ed25519 signing of a prepared 50-byte message with the same library, solders
   (goal: at least 0.8).

Starts the real stack (tests/integration/stack.py), so MPPPAL_BIN must be set or built.
Run: .venv/bin/python bench/session_overhead.py [requests per round]"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import httpx
from solders.keypair import Keypair
from solders.pubkey import Pubkey

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mpppal
from mpppal.credentials import format_authorization
from mpppal.messages import SignedVoucher, voucher_message
from tests.integration.stack import USDC, start_stack

ROUNDS = 9


def voucher_rates(count: int = 5_000, rounds: int = 7) -> tuple[float, float]:
    """Median rates over alternating rounds, so that a busy moment on the machine weighs on
    both sides alike."""
    key = Keypair()
    signer = key.pubkey()
    channel = Pubkey.new_unique()
    message = voucher_message(channel, 1)
    sdk, raw = [], []
    for r in range(rounds):
        start = time.perf_counter()
        for i in range(1, count + 1):
            SignedVoucher.sign(key, channel, r * count + i, signer=signer)
        sdk.append(count / (time.perf_counter() - start))
        start = time.perf_counter()
        for _ in range(count):
            key.sign_message(message)
        raw.append(count / (time.perf_counter() - start))
    return statistics.median(sdk), statistics.median(raw)


def main() -> None:
    # The provider suggests a deposit of 1,000 requests: both clients together stay under it.
    per_round = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    stack = start_stack()
    try:
        provider = stack.provider(1)
        account, agent = stack.account(
            {"maxSingleTransfer": 10 * USDC, "maxDailySpend": 50 * USDC}, funds=20 * USDC
        )
        assert agent is not None
        wallet = mpppal.AgentWallet(agent, Pubkey.from_string(account.solana_address))
        url = f"{provider.url}/session"
        client = mpppal.Client(wallet=wallet, rpc_url=stack.rpc_url)
        plain = httpx.Client()
        for _ in range(20):  # open the session and warm both connections
            client.get(url)
        plain.get(f"{provider.url}/health")
        payer = client.transport.payer
        assert isinstance(payer, mpppal.payer.WalletPayer)
        session = next(iter(payer.sessions.values()))
        sdk_times: list[float] = []
        raw_times: list[float] = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            for _ in range(per_round):
                assert client.get(url).status_code == 200
            sdk_times.append((time.perf_counter() - start) / per_round)
            # The same session's next vouchers, signed before the clock starts.
            headers = []
            for i in range(1, per_round + 1):
                voucher = SignedVoucher.sign(agent, session.channel, session.cumulative + i)
                action = {
                    "action": "voucher",
                    "channelId": str(session.channel),
                    "voucher": voucher.to_json(),
                }
                headers.append({"authorization": format_authorization(session.challenge, action)})
            start = time.perf_counter()
            for h in headers:
                answer = plain.get(url, headers=h)
                assert answer.status_code == 200, answer.text
            raw_times.append((time.perf_counter() - start) / per_round)
            session.cumulative += per_round
        sdk_rate, raw_rate = voucher_rates()
        request_ratio = statistics.median(sdk_times) / statistics.median(raw_times)
        best_ratio = min(sdk_times) / min(raw_times)
        print(
            f"paid session request: SDK {statistics.median(sdk_times) * 1e6:.0f} us, "
            f"plain httpx with a pre-signed voucher {statistics.median(raw_times) * 1e6:.0f} us"
        )
        print(
            f"  ratio SDK / plain = {request_ratio:.2f} (goal <= 1.3); "
            f"best round against best round {best_ratio:.2f}"
        )
        print(f"vouchers signed: SDK {sdk_rate:,.0f}/s, raw solders Ed25519 {raw_rate:,.0f}/s")
        print(f"  ratio SDK / raw = {sdk_rate / raw_rate:.2f} (goal >= 0.8)")
        client.close()
        plain.close()
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
