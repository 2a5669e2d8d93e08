// Charges against the real stack: MPPPal receipts, pull (Policy Program transfer the provider
// co-signs), a plain keypair, refusals before anything is signed, reports to the operator API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ChallengeRejectedError,
  createPayingFetch,
  keypairWallet,
  paymentOf,
  PaymentRefusedError,
  policyWallet,
  tokenAccountAddress,
  Chain,
  Ed25519Key,
} from "../../src/index.js";
import { startStack, USDC, type Provider, type Stack } from "../support/stack.js";
import { waitFor } from "../support/processes.js";
import { pushOnlyServer } from "../support/push-server.js";

let stack: Stack;
let provider: Provider;
let chain: Chain;

const basePolicy = { maxSingleTransfer: 5n * USDC, maxDailySpend: 50n * USDC, escalationThreshold: null };

beforeAll(async () => {
  stack = await startStack();
  provider = await stack.provider(10_000n);
  chain = new Chain(stack.rpcUrl);
});

afterAll(async () => {
  await stack?.stop();
});

async function vaultOf(wallet: string) {
  return chain.tokenBalance(await tokenAccountAddress(wallet, stack.mint));
}

describe("paying a charge", () => {
  it("pays by MPPPal receipt and reports it to the operator API", async () => {
    const account = await stack.policyAccount(basePolicy, 2n * USDC);
    const pay = createPayingFetch({
      wallet: policyWallet({ agentSecretKey: account.agent, wallet: account.wallet }),
      rpcUrl: stack.rpcUrl,
      report: { api: stack.agentApi, accountId: account.accountId },
    });
    const response = await pay(`${provider.url}/charge`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: "a paid answer" });
    const paid = paymentOf(response)!;
    expect(paid.kind).toBe("receipt");
    expect(paid.amount).toBe(10_000n);
    expect(paid.receipt?.status).toBe("success");
    const delivered = await pay.flushReports();
    expect(delivered?.stored).toBe(1);
    const receipts = await stack.operator.receipts.list({ accountId: account.accountId }).all();
    expect(receipts.map((r) => r.challengeId)).toEqual([paid.challengeId]);
    await pay.dispose();
    // The worker settles what was reported: the provider is paid on chain.
    const payee = await tokenAccountAddress(provider.recipient, stack.mint);
    const before = await chain.tokenBalance(payee);
    await waitFor("the receipt to settle", async () => {
      const [r] = await stack.operator.receipts.list({ accountId: account.accountId }).all();
      return r?.status === "settled";
    }, 60_000);
    expect(await vaultOf(account.wallet)).toBe(2n * USDC - 10_000n);
    expect(await chain.tokenBalance(payee)).toBeGreaterThanOrEqual(before + 10_000n);
  });

  it("pays by a Policy Program transfer the provider co-signs (pull)", async () => {
    const account = await stack.policyAccount(basePolicy, 2n * USDC);
    const before = await chain.tokenBalance(await tokenAccountAddress(provider.recipient, stack.mint));
    const pay = createPayingFetch({
      wallet: policyWallet({ agentSecretKey: account.agent, wallet: account.wallet }),
      rpcUrl: stack.rpcUrl,
      acceptReceipts: false,
    });
    const response = await pay(`${provider.url}/charge`);
    expect(response.status).toBe(200);
    expect(paymentOf(response)?.kind).toBe("pull");
    expect(await vaultOf(account.wallet)).toBe(2n * USDC - 10_000n);
    expect(await chain.tokenBalance(await tokenAccountAddress(provider.recipient, stack.mint))).toBe(before + 10_000n);
  });

  it("pushes a Policy Program transfer itself where the server neither takes receipts nor sponsors fees", async () => {
    const account = await stack.policyAccount(basePolicy, USDC);
    const { url, server } = await pushOnlyServer(stack.rpcUrl, stack.mint, provider.recipient, 20_000n);
    try {
      // The agent key pays the fee: it needs SOL, the wallet's USDC moves under the policy.
      await stack.airdrop(account.agent.address);
      const pay = createPayingFetch({ wallet: policyWallet({ agentSecretKey: account.agent, wallet: account.wallet }), rpcUrl: stack.rpcUrl, feePayer: account.agent });
      const response = await pay(url);
      expect(response.status).toBe(200);
      const paid = paymentOf(response)!;
      expect(paid).toMatchObject({ kind: "push", amount: 20_000n });
      expect(paid.receipt?.reference).toBe(paid.signature);
      expect(await vaultOf(account.wallet)).toBe(USDC - 20_000n);
      // Without a fee payer there is nothing this wallet can pay there, and it says so.
      const stuck = createPayingFetch({ wallet: policyWallet({ agentSecretKey: account.agent, wallet: account.wallet }), rpcUrl: stack.rpcUrl });
      const error = await stuck(url).catch((e: unknown) => e);
      expect((error as ChallengeRejectedError).code).toBe("no_payable_challenge");
    } finally {
      server.close();
    }
  });

  it("pays every split of a charge, one Policy Program transfer per leg", async () => {
    const account = await stack.policyAccount(basePolicy, USDC);
    const platform = Ed25519Key.generate().address;
    await stack.faucetUsdc(platform, 1n); // its token account must exist
    const { url, server } = await pushOnlyServer(stack.rpcUrl, stack.mint, provider.recipient, 30_000n, [{ recipient: platform, amount: 4_000n }]);
    try {
      await stack.airdrop(account.agent.address);
      const pay = createPayingFetch({ wallet: policyWallet({ agentSecretKey: account.agent, wallet: account.wallet }), rpcUrl: stack.rpcUrl, feePayer: account.agent });
      expect((await pay(url)).status).toBe(200);
      expect(await vaultOf(account.wallet)).toBe(USDC - 30_000n);
      expect(await chain.tokenBalance(await tokenAccountAddress(platform, stack.mint))).toBe(4_001n);
      expect((await chain.readWallet(account.wallet)).wallet.nonce).toBe(2n);
    } finally {
      server.close();
    }
  });

  it("pays from a plain keypair with transferChecked", async () => {
    const key = Ed25519Key.generate();
    await stack.faucetUsdc(key.address, 1n * USDC);
    const pay = createPayingFetch({ wallet: keypairWallet(key), rpcUrl: stack.rpcUrl, maxPricePerRequest: 50_000n });
    const response = await pay(`${provider.url}/charge`);
    expect(response.status).toBe(200);
    expect(paymentOf(response)?.kind).toBe("pull");
    expect(await chain.tokenBalance(await tokenAccountAddress(key.address, stack.mint))).toBe(USDC - 10_000n);
  });
});

describe("refusing before anything is signed", () => {
  async function refusal(policy: Record<string, unknown>, funds: bigint, options: Record<string, unknown> = {}) {
    const account = await stack.policyAccount(policy, funds);
    const onChain = (await stack.signaturesFor(account.wallet)).length;
    // Every request the client sends, to see that none carried a credential.
    const sent: Request[] = [];
    const recording: typeof fetch = (input, init) => {
      const request = new Request(input, init);
      sent.push(request.clone());
      return fetch(request);
    };
    const pay = createPayingFetch({ wallet: policyWallet({ agentSecretKey: account.agent, wallet: account.wallet }), rpcUrl: stack.rpcUrl, acceptReceipts: false, fetch: recording, ...options });
    const error = await pay(`${provider.url}/charge`).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Nothing signed, nothing moved: no credential sent, the vault untouched, no new transaction
    // naming the wallet.
    expect(sent.length).toBe(1);
    expect(sent[0]!.headers.get("authorization")).toBeNull();
    expect(await vaultOf(account.wallet)).toBe(funds);
    expect((await stack.signaturesFor(account.wallet)).length).toBe(onChain);
    return { error, account };
  }

  it("over the single-transfer cap", async () => {
    const { error } = await refusal({ maxSingleTransfer: 5_000, maxDailySpend: 50n * USDC }, USDC);
    expect(error).toBeInstanceOf(PaymentRefusedError);
    expect((error as PaymentRefusedError).reason).toBe("over_single_transfer_limit");
  });

  it("over the daily cap", async () => {
    const account = await stack.policyAccount({ maxSingleTransfer: 15_000, maxDailySpend: 15_000 }, USDC);
    const pay = createPayingFetch({ wallet: policyWallet({ agentSecretKey: account.agent, wallet: account.wallet }), rpcUrl: stack.rpcUrl, acceptReceipts: false });
    expect((await pay(`${provider.url}/charge`)).status).toBe(200);
    const error = await pay(`${provider.url}/charge`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentRefusedError);
    expect((error as PaymentRefusedError).reason).toBe("over_daily_limit");
    expect(await vaultOf(account.wallet)).toBe(USDC - 10_000n);
  });

  it("to a counterparty not allowed", async () => {
    const other = Ed25519Key.generate().address;
    const { error } = await refusal({ ...basePolicy, allowedCounterparties: [other] }, USDC);
    expect((error as PaymentRefusedError).reason).toBe("counterparty_not_allowed");
  });

  it("from a paused wallet", async () => {
    const account = await stack.policyAccount(basePolicy, USDC);
    await stack.operator.accounts.pause(account.accountId);
    const pay = createPayingFetch({ wallet: policyWallet({ agentSecretKey: account.agent, wallet: account.wallet }), rpcUrl: stack.rpcUrl });
    const error = await pay(`${provider.url}/charge`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentRefusedError);
    expect((error as PaymentRefusedError).reason).toBe("wallet_paused");
    expect(await vaultOf(account.wallet)).toBe(USDC);
  });

  it("declined by the client's own limits (price, origin)", async () => {
    const { error } = await refusal(basePolicy, USDC, { maxPricePerRequest: 9_999n });
    expect(error).toBeInstanceOf(ChallengeRejectedError);
    expect((error as ChallengeRejectedError).code).toBe("declined");
    const { error: origin } = await refusal(basePolicy, USDC, { allowedOrigins: ["https://api.example.com"] });
    expect((origin as ChallengeRejectedError).detail).toContain("not an allowed origin");
  });
});
