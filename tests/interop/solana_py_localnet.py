"""The local chain serves solana-py, a Solana JSON-RPC client we did not write.

Starts `mpppal localnet` on a free port, then airdrops, sends and simulates a transaction,
confirms it, and reads it back with its metadata, accounts, rent and statuses.
Run by scripts/test; the binary's path comes as the first argument.
"""

import asyncio
import socket
import subprocess
import sys
import unittest

from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Confirmed
from solders.keypair import Keypair
from solders.message import Message
from solders.system_program import TransferParams, transfer
from solders.transaction import Transaction, VersionedTransaction

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "target/debug/mpppal"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SolanaPyAgainstLocalnet(unittest.IsolatedAsyncioTestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = free_port()
        cls.proc = subprocess.Popen(
            [BINARY, "localnet", "--port", str(cls.port)],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = cls.proc.stdout.readline()
        if "JSON-RPC on" not in line:
            cls.proc.kill()
            raise RuntimeError(f"localnet did not start: {line!r}")

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=10)

    async def asyncSetUp(self):
        self.client = AsyncClient(f"http://127.0.0.1:{self.port}", commitment=Confirmed)

    async def asyncTearDown(self):
        await self.client.close()

    async def funded(self, lamports: int) -> Keypair:
        owner = Keypair()
        sig = (await self.client.request_airdrop(owner.pubkey(), lamports)).value
        status = (await self.client.confirm_transaction(sig, Confirmed)).value
        self.assertIsNone(status[0].err)
        return owner

    async def test_airdrop_and_balance(self):
        owner = await self.funded(2_000_000_000)
        self.assertEqual((await self.client.get_balance(owner.pubkey())).value, 2_000_000_000)

    async def test_send_confirm_and_read_back_a_transfer(self):
        alice = await self.funded(2_000_000_000)
        bob = Keypair()
        blockhash = (await self.client.get_latest_blockhash()).value.blockhash
        ix = transfer(TransferParams(from_pubkey=alice.pubkey(), to_pubkey=bob.pubkey(), lamports=1_234_567))
        tx = Transaction([alice], Message([ix], alice.pubkey()), blockhash)

        simulated = (await self.client.simulate_transaction(VersionedTransaction.from_legacy(tx))).value
        self.assertIsNone(simulated.err)

        sig = (await self.client.send_transaction(tx)).value
        await self.client.confirm_transaction(sig, Confirmed)
        self.assertEqual((await self.client.get_balance(bob.pubkey())).value, 1_234_567)

        got = (await self.client.get_transaction(sig, encoding="json", max_supported_transaction_version=0)).value
        meta = got.transaction.meta
        self.assertIsNone(meta.err)
        self.assertEqual(meta.fee, 5_000)
        self.assertEqual(meta.post_balances[0], meta.pre_balances[0] - 1_234_567 - 5_000)
        self.assertTrue(any("11111111111111111111111111111111 success" in l for l in meta.log_messages))

        statuses = (await self.client.get_signature_statuses([sig])).value
        self.assertIsNone(statuses[0].err)

    async def test_accounts_rent_and_version(self):
        alice = await self.funded(1_000_000_000)
        info = (await self.client.get_account_info(alice.pubkey())).value
        self.assertEqual(info.lamports, 1_000_000_000)
        self.assertEqual((await self.client.get_minimum_balance_for_rent_exemption(165)).value, 2_039_280)
        self.assertEqual((await self.client.get_version()).value.solana_core, "4.0.0")
        self.assertIsNone((await self.client.get_account_info(Keypair().pubkey())).value)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print(f"interop: {result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
