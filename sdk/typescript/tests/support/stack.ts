// The real MPPPal stack for the integration tests: `mpppal localnet`, sample providers
// (`mpppal provider`), and `mpppal serve --worker` on a fresh PostgreSQL database (dropped at the
// end) with its own Redis job stream, plus an operator, an agent-scope key, and helpers that set
// up wallets through the API as `mpppal demo` does.
import { randomBytes } from "node:crypto";
import { Ed25519Key, MppPal, walletAddress } from "../../src/index.js";
import { freePort, mpppalBin, run, start, stop, waitFor, type Started } from "./processes.js";

const PG = process.env.MPPPAL_TEST_POSTGRES ?? "postgres://postgres@127.0.0.1:5432";
const REDIS = process.env.MPPPAL_TEST_REDIS ?? "redis://127.0.0.1:6379";
export const USDC = 1_000_000n;

export async function rpcCall<T = unknown>(url: string, method: string, params: unknown[]): Promise<T> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await response.json()) as { result?: T; error?: unknown };
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result as T;
}

export interface Provider {
  url: string;
  recipient: string;
  price: bigint;
  port: number;
  /** Stops this provider (its sessions are forgotten: it keeps them in memory). */
  stop(): Promise<void>;
}

export interface Stack {
  rpcUrl: string;
  baseUrl: string;
  mint: string;
  env: NodeJS.ProcessEnv;
  operator: MppPal;
  /** A key with only the `agent` scope, as agents hold. */
  agentApi: MppPal;
  /** A sample provider on `port` (default: a free one). */
  provider(price: bigint, extra?: string[], port?: number): Promise<Provider>;
  airdrop(to: string, lamports?: number): Promise<void>;
  faucetUsdc(owner: string, amount: bigint): Promise<void>;
  /** A non-custodial account with a fresh agent key, funded with `usdc` base units. */
  policyAccount(policy: Record<string, unknown>, usdc: bigint): Promise<{ accountId: string; wallet: string; agent: Ed25519Key }>;
  custodialAccount(policy: Record<string, unknown>, usdc: bigint): Promise<{ accountId: string; wallet: string }>;
  /** Signatures of transactions that touched `address`, newest first. */
  signaturesFor(address: string): Promise<string[]>;
  stop(): Promise<void>;
}

async function psql(sql: string): Promise<void> {
  await run("psql", [`${PG}/postgres`, "-v", "ON_ERROR_STOP=1", "-qAtc", sql]);
}

export async function startStack(): Promise<Stack> {
  const bin = mpppalBin();
  const children: Started["child"][] = [];
  const database = `mpppal_sdk_ts_${randomBytes(6).toString("hex")}`;
  let created = false;
  const stopAll = async () => {
    for (const child of children.reverse()) await stop(child);
    if (created) await psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch((e: unknown) => console.error(String(e)));
  };
  try {
    const [chainPort, apiPort] = [await freePort(), await freePort()];
    const chain = start("localnet", bin, ["localnet", "--port", String(chainPort)], process.env, /JSON-RPC on/);
    children.push(chain.child);
    await psql(`CREATE DATABASE ${database}`);
    created = true;
    await chain.ready;
    const rpcUrl = `http://127.0.0.1:${chainPort}`;
    const baseUrl = `http://127.0.0.1:${apiPort}`;
    const info = await rpcCall<{ usdcMint: string }>(rpcUrl, "mpppal_info", []);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: `${PG}/${database}`,
      REDIS_URL: REDIS,
      MPPPAL_JOB_STREAM: `mpppal:jobs:${database}`,
      MPPPAL_MASTER_KEY: randomBytes(32).toString("hex"),
      SOLANA_RPC_URL: rpcUrl,
      MPPPAL_WEBHOOK_ALLOW_PRIVATE: "1",
      MPPPAL_RECEIPT_BATCH_SECONDS: process.env.MPPPAL_RECEIPT_BATCH_SECONDS ?? "1",
      RUST_LOG: process.env.RUST_LOG ?? "info",
    };
    const server = start("serve", bin, ["serve", "--worker", "--bind", `127.0.0.1:${apiPort}`], env);
    children.push(server.child);
    await waitFor("mpppal serve", async () => (await fetch(`${baseUrl}/health`)).ok, 120_000);
    const made = await run(bin, ["operator", "create", "--name", "SDK TS tests"], env);
    const field = (name: string) => new RegExp(`^${name}\\s+(\\S+)`, "m").exec(made)?.[1];
    const keyId = field("key id");
    const secret = field("secret");
    if (!keyId || !secret) throw new Error(`unexpected output of operator create: ${made}`);
    const operator = new MppPal({ keyId, secret, baseUrl });
    const agentKey = await operator.apiKeys.create({ name: "agents", scopes: ["agent"] });
    const agentApi = new MppPal({ keyId: agentKey.keyId, secret: agentKey.secret!, baseUrl });

    const airdrop = async (to: string, lamports = 2_000_000_000) => {
      const sig = await rpcCall<string>(rpcUrl, "requestAirdrop", [to, lamports]);
      await waitFor(`airdrop ${sig}`, async () => {
        const s = await rpcCall<{ value: ({ confirmationStatus?: string } | null)[] }>(rpcUrl, "getSignatureStatuses", [[sig]]);
        return Boolean(s.value[0]?.confirmationStatus);
      });
    };
    const faucetUsdc = async (owner: string, amount: bigint) => {
      await rpcCall(rpcUrl, "mpppal_requestUsdc", [owner, Number(amount)]);
    };
    const me = await operator.operator();
    await airdrop(String(me.ownerAddress), 10_000_000_000);

    const stack: Stack = {
      rpcUrl,
      baseUrl,
      mint: info.usdcMint,
      env,
      operator,
      agentApi,
      airdrop,
      faucetUsdc,
      async provider(price, extra = [], fixedPort) {
        const port = fixedPort ?? (await freePort());
        const p = start(`provider-${port}`, bin, ["provider", "--rpc", rpcUrl, "--bind", `127.0.0.1:${port}`, "--price", String(price), ...extra], process.env, /paid to (\S+)/);
        children.push(p.child);
        const out = await p.ready;
        const recipient = /paid to (\S+)/.exec(out)![1]!;
        return { url: `http://127.0.0.1:${port}`, recipient, price, port, stop: () => stop(p.child) };
      },
      async policyAccount(policy, usdc) {
        const agent = Ed25519Key.generate();
        const account = await operator.accounts.create({
          name: `agent ${randomBytes(3).toString("hex")}`,
          custody: "non_custodial",
          agentPublicKey: agent.address,
          policy: policy as never,
        });
        if (usdc > 0n) await faucetUsdc(account.solanaAddress, usdc);
        return { accountId: account.accountId, wallet: account.solanaAddress, agent };
      },
      async custodialAccount(policy, usdc) {
        const account = await operator.accounts.create({ name: `custodial ${randomBytes(3).toString("hex")}`, custody: "custodial", policy: policy as never });
        if (usdc > 0n) await faucetUsdc(account.solanaAddress, usdc);
        return { accountId: account.accountId, wallet: account.solanaAddress };
      },
      async signaturesFor(address) {
        const list = await rpcCall<{ signature: string }[]>(rpcUrl, "getSignaturesForAddress", [address, { commitment: "confirmed" }]);
        return list.map((s) => s.signature);
      },
      stop: stopAll,
    };
    void walletAddress;
    return stack;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
