"""solana-pay-kit's MPP charge client, which we did not write, pays `mpppal provider`.

Starts `mpppal localnet` and `mpppal provider` on free ports, funds a plain keypair with SOL and
local USDC, and lets solana-pay-kit answer the provider's 402 with a signed transaction (pull
mode, fees sponsored by the provider). Run by tests/interop/run with the binary's path.
"""

import asyncio
import re
import socket
import subprocess
import sys
import unittest
import warnings

import httpx
from solana.rpc.async_api import AsyncClient
from solders.keypair import Keypair
from solders.pubkey import Pubkey

warnings.filterwarnings("ignore")
from solana_pay_kit.protocols.mpp.client.charge import build_credential_header  # noqa: E402
from solana_pay_kit.protocols.mpp.core.headers import parse_www_authenticate  # noqa: E402

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "target/debug/mpppal"
PRICE = 2500
TOKEN_PROGRAM = Pubkey.from_string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
ATA_PROGRAM = Pubkey.from_string("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(*args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([BINARY, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines = [proc.stdout.readline() for _ in range(2)]
    return proc, "".join(lines)


def ata(owner: Pubkey, mint: Pubkey) -> Pubkey:
    return Pubkey.find_program_address([bytes(owner), bytes(TOKEN_PROGRAM), bytes(mint)], ATA_PROGRAM)[0]


class PayKitPaysOurProvider(unittest.IsolatedAsyncioTestCase):
    @classmethod
    def setUpClass(cls):
        cls.rpc_url = f"http://127.0.0.1:{free_port()}"
        cls.chain, _ = start("localnet", "--port", cls.rpc_url.rsplit(":", 1)[1])
        cls.api = f"http://127.0.0.1:{free_port()}"
        cls.provider, banner = start("provider", "--rpc", cls.rpc_url, "--bind", cls.api[7:], "--price", str(PRICE))
        cls.recipient = Pubkey.from_string(re.search(r"paid to (\w+)", banner).group(1))

    @classmethod
    def tearDownClass(cls):
        for proc in (cls.provider, cls.chain):
            proc.terminate()
            proc.wait(timeout=10)

    async def test_pay_kit_pays_a_charge_by_transaction(self):
        rpc = AsyncClient(self.rpc_url)
        payer = Keypair()
        sig = (await rpc.request_airdrop(payer.pubkey(), 1_000_000_000)).value
        await rpc.confirm_transaction(sig)
        async with httpx.AsyncClient() as http:
            funded = await http.post(self.rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": "mpppal_requestUsdc", "params": [str(payer.pubkey()), 1_000_000]})
            self.assertIn("result", funded.json())
            info = (await http.post(self.rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": "mpppal_info"})).json()["result"]
            mint = Pubkey.from_string(info["usdcMint"])
            before = int((await rpc.get_token_account_balance(ata(self.recipient, mint))).value.amount)

            first = await http.get(self.api + "/charge")
            self.assertEqual(first.status_code, 402)
            challenge = parse_www_authenticate(first.headers["www-authenticate"])
            authorization = await build_credential_header(payer, rpc, challenge)
            paid = await http.get(self.api + "/charge", headers={"authorization": authorization})
            self.assertEqual(paid.status_code, 200, paid.text)
            self.assertIn("payment-receipt", paid.headers)
            self.assertEqual(paid.json()["data"], "a paid answer")

            after = int((await rpc.get_token_account_balance(ata(self.recipient, mint))).value.amount)
            self.assertEqual(after, before + PRICE)

            # The same credential again is refused.
            again = await http.get(self.api + "/charge", headers={"authorization": authorization})
            self.assertEqual(again.status_code, 402)
        await rpc.close()


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print(f"interop (solana-pay-kit): {result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
