"""Our SDK (through `mpppal pay --keypair`) pays a server built on solana-pay-kit's MPP charge
handler, which we did not write.

Starts `mpppal localnet`, serves one paid route with solana-pay-kit's `Mpp` (fee payer: its own
keypair; verification: its own checks, including `getTransaction` in jsonParsed), and lets
`mpppal pay` answer the 402 from a plain keypair. The few lines of HTTP glue below only move
headers between the socket and solana-pay-kit. Run by tests/interop/run with the binary's path.
"""

import asyncio
import json
import socket
import subprocess
import sys
import tempfile
import unittest
import warnings

import httpx
from solana.rpc.async_api import AsyncClient
from solders.keypair import Keypair
from solders.pubkey import Pubkey

warnings.filterwarnings("ignore")
from solana_pay_kit._paycore.errors import PaymentError  # noqa: E402
from solana_pay_kit._paycore.rpc import SolanaRpc  # noqa: E402
from solana_pay_kit._paycore.store import MemoryStore  # noqa: E402
from solana_pay_kit.protocols.mpp.core.headers import (  # noqa: E402
    format_receipt,
    format_www_authenticate,
    parse_authorization,
)
from solana_pay_kit.protocols.mpp.intents.charge import ChargeRequest  # noqa: E402
from solana_pay_kit.protocols.mpp.server.charge import ChargeOptions, Config, Mpp  # noqa: E402

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "target/debug/mpppal"
PRICE_UI = "0.0025"
PRICE = 2500
TOKEN_PROGRAM = Pubkey.from_string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
ATA_PROGRAM = Pubkey.from_string("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ata(owner: Pubkey, mint: Pubkey) -> Pubkey:
    return Pubkey.find_program_address([bytes(owner), bytes(TOKEN_PROGRAM), bytes(mint)], ATA_PROGRAM)[0]


async def rpc_call(url: str, method: str, params: list) -> dict:
    async with httpx.AsyncClient() as http:
        answer = (await http.post(url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params})).json()
    if "result" not in answer:
        raise AssertionError(f"{method}: {answer}")
    return answer["result"]


class PayKitServer:
    """solana-pay-kit's `Mpp` behind a minimal HTTP/1.1 server: GET /paid only."""

    def __init__(self, mpp: Mpp):
        self.mpp = mpp
        self.served = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        headers = {}
        for line in head.split("\r\n")[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        challenge = self.mpp.charge_with_options(PRICE_UI, ChargeOptions())
        status, extra, body = "402 Payment Required", [("WWW-Authenticate", format_www_authenticate(challenge))], b"payment required"
        if "authorization" in headers:
            try:
                credential = parse_authorization(headers["authorization"])
                expected = ChargeRequest.from_dict(challenge.decode_request())
                receipt = await self.mpp.verify_credential_with_expected(credential, expected)
                self.served += 1
                status, extra, body = "200 OK", [("Payment-Receipt", format_receipt(receipt))], b"paid content"
            except PaymentError as err:
                body = f"refused: {err.code}: {err}".encode()
        lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in extra]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        writer.close()


class WePayPayKitServer(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        port = free_port()
        self.rpc_url = f"http://127.0.0.1:{port}"
        self.chain = subprocess.Popen([BINARY, "localnet", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.chain.stdout.readline()
        rpc = AsyncClient(self.rpc_url)
        self.mint = Pubkey.from_string((await rpc_call(self.rpc_url, "mpppal_info", []))["usdcMint"])
        self.fee_payer, self.recipient, self.payer = Keypair(), Keypair(), Keypair()
        for who in (self.fee_payer, self.payer):
            await rpc.confirm_transaction((await rpc.request_airdrop(who.pubkey(), 1_000_000_000)).value)
        await rpc_call(self.rpc_url, "mpppal_requestUsdc", [str(self.recipient.pubkey()), 1])  # its token account
        await rpc_call(self.rpc_url, "mpppal_requestUsdc", [str(self.payer.pubkey()), 10_000])
        await rpc.close()
        mpp = Mpp(Config(
            recipient=str(self.recipient.pubkey()),
            currency=str(self.mint),
            decimals=6,
            network="localnet",
            rpc_url=self.rpc_url,
            secret_key="an-interop-test-secret-of-32-bytes-or-more",
            fee_payer_signer=self.fee_payer,
            store=MemoryStore(),
            rpc=SolanaRpc(self.rpc_url),
        ))
        self.server = PayKitServer(mpp)
        self.http = await asyncio.start_server(self.server.handle, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.http.sockets[0].getsockname()[1]}/paid"
        self.keyfile = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(list(bytes(self.payer)), self.keyfile)
        self.keyfile.close()

    async def asyncTearDown(self):
        self.http.close()
        self.chain.terminate()
        self.chain.wait(timeout=10)
        self.chain.stdout.close()

    async def balance(self, owner: Pubkey) -> int:
        return int((await rpc_call(self.rpc_url, "getTokenAccountBalance", [str(ata(owner, self.mint))]))["value"]["amount"])

    async def pay(self, *extra: str) -> subprocess.CompletedProcess:
        proc = await asyncio.create_subprocess_exec(
            BINARY, "pay", self.url, "--rpc", self.rpc_url, "--keypair", self.keyfile.name, *extra,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        return subprocess.CompletedProcess(proc, proc.returncode, out.decode(), err.decode())

    async def lamports(self, owner: Pubkey) -> int:
        return (await rpc_call(self.rpc_url, "getBalance", [str(owner)]))["value"]

    async def test_our_client_pays_a_pay_kit_charge_by_pull(self):
        fee_payer_before = await self.lamports(self.fee_payer.pubkey())
        payer_before = await self.lamports(self.payer.pubkey())
        paid = await self.pay()
        self.assertEqual(paid.returncode, 0, paid.stdout + paid.stderr)
        self.assertIn("paid content", paid.stdout)
        self.assertIn(f"paid {PRICE} base units; receipt:", paid.stdout)
        self.assertEqual(self.server.served, 1)
        self.assertEqual(await self.balance(self.recipient.pubkey()), 1 + PRICE)
        self.assertEqual(await self.balance(self.payer.pubkey()), 10_000 - PRICE)
        # Pull mode: solana-pay-kit's fee payer co-signed and paid the fee, not our payer.
        self.assertEqual(await self.lamports(self.payer.pubkey()), payer_before)
        self.assertLess(await self.lamports(self.fee_payer.pubkey()), fee_payer_before)

    async def test_our_price_cap_refuses_before_paying(self):
        refused = await self.pay("--max-price", str(PRICE - 1))
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("above the maximum", refused.stderr)
        self.assertEqual(self.server.served, 0)
        self.assertEqual(await self.balance(self.payer.pubkey()), 10_000)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print(f"interop (our client -> solana-pay-kit server): {result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
