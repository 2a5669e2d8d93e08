// A push-only 402 server for the tests: it offers a `solana` charge with neither receipts nor
// fee sponsorship, so the client must send the payment itself, and it accepts a `signature`
// payload only once the chain shows that transaction confirmed, paying the recipient's token
// account the price (read back with getTransaction's token balances). No part of MPPPal's
// server is stood in for: the paywall under test elsewhere is the real `mpppal provider`.
import { createServer, type Server } from "node:http";
import { Challenge, Credential } from "mppx";
import { tokenAccountAddress } from "../../src/index.js";
import { freePort } from "./processes.js";
import { rpcCall } from "./stack.js";

interface TokenBalance {
  accountIndex: number;
  mint: string;
  owner?: string;
  uiTokenAmount: { amount: string };
}

export async function pushOnlyServer(
  rpcUrl: string,
  mint: string,
  recipient: string,
  price: bigint,
  splits: { recipient: string; amount: bigint }[] = [],
): Promise<{ url: string; server: Server }> {
  const secretKey = Buffer.alloc(32, 9).toString("hex");
  // Each leg: the primary recipient's remainder, then every split.
  const rest = price - splits.reduce((n, s) => n + s.amount, 0n);
  const legs = [{ destination: await tokenAccountAddress(recipient, mint), amount: rest }];
  for (const split of splits) legs.push({ destination: await tokenAccountAddress(split.recipient, mint), amount: split.amount });
  const methodDetails: Record<string, unknown> = { network: "localnet", decimals: 6 };
  if (splits.length > 0) methodDetails.splits = splits.map((s) => ({ recipient: s.recipient, amount: s.amount.toString() }));
  const server = createServer((req, res) => {
    void (async () => {
      const auth = req.headers.authorization;
      if (!auth) {
        const challenge = Challenge.from(
          { secretKey, realm: "push-only", method: "solana", intent: "charge", request: { amount: price.toString(), currency: mint, recipient, methodDetails } },
        );
        res.writeHead(402, { "www-authenticate": Challenge.serialize(challenge), "cache-control": "no-store" }).end();
        return;
      }
      const credential = Credential.deserialize<{ type: string; signature?: string }>(auth);
      if (!Challenge.verify(credential.challenge, { secretKey }) || credential.payload.type !== "signature" || !credential.payload.signature) {
        res.writeHead(402).end();
        return;
      }
      const tx = await rpcCall<{ meta: { err: unknown; preTokenBalances: TokenBalance[]; postTokenBalances: TokenBalance[] }; transaction: { message: { accountKeys: string[] } } } | null>(
        rpcUrl,
        "getTransaction",
        [credential.payload.signature, { commitment: "confirmed", encoding: "json", maxSupportedTransactionVersion: 0 }],
      );
      const keys = tx?.transaction.message.accountKeys ?? [];
      const amountAt = (list: TokenBalance[], destination: string) => BigInt(list.find((b) => keys[b.accountIndex] === destination)?.uiTokenAmount.amount ?? "0");
      const short = legs.find((leg) => !tx || tx.meta.err || amountAt(tx.meta.postTokenBalances, leg.destination) - amountAt(tx.meta.preTokenBalances, leg.destination) !== leg.amount);
      if (short) {
        res.writeHead(402, { "content-type": "application/problem+json" }).end(JSON.stringify({ type: "https://paymentauth.org/problems/verification-failed", detail: `${short.destination} not paid ${short.amount}` }));
        return;
      }
      const receipt = Buffer.from(JSON.stringify({ method: "solana", reference: credential.payload.signature, status: "success", timestamp: new Date().toISOString() })).toString("base64url");
      res.writeHead(200, { "content-type": "application/json", "payment-receipt": receipt }).end(JSON.stringify({ data: "pushed" }));
    })().catch((e: unknown) => res.writeHead(500).end(String(e)));
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${port}/paid`, server };
}
