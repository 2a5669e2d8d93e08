"""A paid route served by solana-pay-kit's MPP charge handler (another implementation than
ours), for the SDK's interop tests. Runs in .venv-paykit (tests/interop/requirements-paykit.txt),
not in the SDK's venv. Usage:

    paykit_server.py RPC_URL MINT RECIPIENT_SECRET_HEX [FEE_PAYER_SECRET_HEX|-]

Prints `listening http://127.0.0.1:PORT/paid` once ready. With a fee payer the challenge
sponsors fees (pull); without one the payer sends the transaction itself (push). The HTTP glue
only moves headers between the socket and solana-pay-kit."""

import asyncio
import sys
import warnings

from solders.keypair import Keypair

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

PRICE_UI = "0.0025"


def main() -> None:
    rpc_url, mint, recipient_hex = sys.argv[1:4]
    fee_payer_hex = sys.argv[4] if len(sys.argv) > 4 else "-"
    recipient = Keypair.from_seed(bytes.fromhex(recipient_hex))
    fee_payer = None if fee_payer_hex == "-" else Keypair.from_seed(bytes.fromhex(fee_payer_hex))
    mpp = Mpp(Config(
        recipient=str(recipient.pubkey()), currency=mint, decimals=6, network="localnet",
        rpc_url=rpc_url, secret_key="a-python-sdk-interop-secret-of-32-bytes",
        fee_payer_signer=fee_payer, accept_push_mode=fee_payer is None, store=MemoryStore(),
        rpc=SolanaRpc(rpc_url),
    ))

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        headers = {}
        for line in head.split("\r\n")[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        challenge = mpp.charge_with_options(PRICE_UI, ChargeOptions())
        status = "402 Payment Required"
        extra = [("WWW-Authenticate", format_www_authenticate(challenge))]
        body = b'{"error":"payment required"}'
        if "authorization" in headers:
            try:
                credential = parse_authorization(headers["authorization"])
                expected = ChargeRequest.from_dict(challenge.decode_request())
                receipt = await mpp.verify_credential_with_expected(credential, expected)
                status, extra, body = "200 OK", [("Payment-Receipt", format_receipt(receipt))], b'{"data":"paid content"}'
            except PaymentError as err:
                status = "402 Payment Required"
                body = f'{{"detail":"refused: {err.code}"}}'.encode()
        lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close",
                 "Content-Type: application/json"]
        lines += [f"{name}: {value}" for name, value in extra]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        writer.close()

    async def serve() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        print(f"listening http://127.0.0.1:{port}/paid", flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
