// Another implementation: a plain keypair paying a charge server built with @solana/mpp (on
// mppx's server) over `mpppal localnet`, by push (no fee sponsor) and pull (server co-signs),
// through createPayingFetch and through mppx's own client with our `solana` method.
import { createServer, type Server } from "node:http";
import { createKeyPairSignerFromPrivateKeyBytes } from "@solana/kit";
import { charge } from "@solana/mpp/server";
import { Mppx as ClientMppx } from "mppx/client";
import { Mppx } from "mppx/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Chain, createPayingFetch, Ed25519Key, keypairWallet, paymentOf, solanaChargeClient, tokenAccountAddress } from "../../src/index.js";
import { freePort, mpppalBin, start, stop, type Started } from "../support/processes.js";
import { rpcCall, USDC } from "../support/stack.js";

let localnet: Started;
let rpcUrl: string;
let mint: string;
let chain: Chain;
const servers: Server[] = [];

async function solanaMppServer(sponsor?: Ed25519Key): Promise<{ url: string; recipient: string }> {
  const recipient = Ed25519Key.generate().address;
  await rpcCall(rpcUrl, "mpppal_requestUsdc", [recipient, 1]);
  const signer = sponsor ? await createKeyPairSignerFromPrivateKeyBytes(sponsor.seed) : undefined;
  const mppx = Mppx.create({
    realm: "solana-mpp-test",
    secretKey: Buffer.alloc(32, 5).toString("hex"),
    methods: [charge({ recipient, currency: mint, decimals: 6, network: "localnet", rpcUrl, ...(signer ? { signer } : {}) })],
  });
  const server = createServer(async (req, res) => {
    try {
      const result = await Mppx.toNodeListener(mppx.charge({ amount: "25000" }) as never)(req, res);
      if (result.status === 402) return;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ data: "paid by @solana/mpp" }));
    } catch (e) {
      res.statusCode = 500;
      res.end(String(e));
    }
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  servers.push(server);
  return { url: `http://127.0.0.1:${port}/paid`, recipient };
}

beforeAll(async () => {
  const port = await freePort();
  localnet = start("localnet-solana-mpp", mpppalBin(), ["localnet", "--port", String(port)], process.env, /JSON-RPC on/);
  await localnet.ready;
  rpcUrl = `http://127.0.0.1:${port}`;
  mint = (await rpcCall<{ usdcMint: string }>(rpcUrl, "mpppal_info", [])).usdcMint;
  chain = new Chain(rpcUrl);
});

afterAll(async () => {
  for (const s of servers) s.close();
  if (localnet) await stop(localnet.child);
});

async function fundedKeypair(): Promise<Ed25519Key> {
  const key = Ed25519Key.generate();
  await rpcCall(rpcUrl, "requestAirdrop", [key.address, 1_000_000_000]);
  await rpcCall(rpcUrl, "mpppal_requestUsdc", [key.address, Number(USDC)]);
  return key;
}

describe("a @solana/mpp charge server", () => {
  it("is paid by push from a plain keypair", async () => {
    const server = await solanaMppServer();
    const key = await fundedKeypair();
    const pay = createPayingFetch({ wallet: keypairWallet(key), rpcUrl, maxPricePerRequest: 100_000n });
    const response = await pay(server.url);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: "paid by @solana/mpp" });
    const info = paymentOf(response)!;
    expect(info.kind).toBe("push");
    expect(info.signature).toBeTruthy();
    expect(await chain.tokenBalance(await tokenAccountAddress(server.recipient, mint))).toBe(25_001n);
  });

  it("is paid by pull when it sponsors fees, through mppx's own client", async () => {
    const sponsor = Ed25519Key.generate();
    await rpcCall(rpcUrl, "requestAirdrop", [sponsor.address, 1_000_000_000]);
    const server = await solanaMppServer(sponsor);
    const key = Ed25519Key.generate();
    await rpcCall(rpcUrl, "mpppal_requestUsdc", [key.address, Number(USDC)]);
    const mppx = ClientMppx.create({ methods: [solanaChargeClient({ wallet: keypairWallet(key), rpcUrl })], polyfill: false });
    const response = await mppx.fetch(server.url);
    expect(response.status).toBe(200);
    expect(await chain.tokenBalance(await tokenAccountAddress(key.address, mint))).toBe(USDC - 25_000n);
  });
});
