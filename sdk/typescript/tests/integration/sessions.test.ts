// Sessions, custodial accounts and webhooks against the real stack.
import { createServer, type IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ChallengeRejectedError,
  createPayingFetch,
  custodialWallet,
  paymentOf,
  PaymentRefusedError,
  policyWallet,
  verifyWebhook,
  WebhookVerificationError,
} from "../../src/index.js";
import { startStack, USDC, type Stack } from "../support/stack.js";
import { waitFor } from "../support/processes.js";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe("sessions", () => {
  it("serves 200 requests in exactly 2 transactions, and reports the session", async () => {
    const provider = await stack.provider(1_000n);
    const account = await stack.policyAccount({ maxSingleTransfer: 5n * USDC, maxDailySpend: 50n * USDC }, 10n * USDC);
    const pay = createPayingFetch({
      wallet: policyWallet({ agentSecretKey: account.agent, wallet: account.wallet }),
      rpcUrl: stack.rpcUrl,
      report: { api: stack.agentApi, accountId: account.accountId },
    });
    let channel: string | undefined;
    let paid = 0n;
    for (let i = 0; i < 200; i++) {
      const response = await pay(`${provider.url}/session`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      const info = paymentOf(response)!;
      expect(info.kind).toBe(i === 0 ? "session-open" : "session");
      channel ??= info.channel;
      expect(info.channel).toBe(channel);
      paid += info.amount;
    }
    expect(paid).toBe(199_000n);
    const closed = await pay.closeSessions();
    expect(closed).toHaveLength(1);
    expect(typeof closed[0]!.txHash).toBe("string");
    // Counted on chain: the open and the close, nothing else.
    expect((await stack.signaturesFor(channel!)).length).toBe(2);
    const delivered = await pay.flushReports();
    expect(delivered).toMatchObject({ sessionsOpened: 1, sessionsClosed: 1 });
    const sessions = await stack.operator.sessions.list({ accountId: account.accountId }).all();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ channel, status: "settled", paid: 199_000, runningTotal: 199_000 });
    await pay.dispose();
  });

  it("tops up within policy, reopens after a 410, and closes on dispose", async () => {
    const provider = await stack.provider(1_000n);
    // The single-transfer cap holds the deposit to 20 requests: the 21st tops up.
    const account = await stack.policyAccount({ maxSingleTransfer: 20_000, maxDailySpend: 50n * USDC }, 10n * USDC);
    const pay = createPayingFetch({ wallet: policyWallet({ agentSecretKey: account.agent, wallet: account.wallet }), rpcUrl: stack.rpcUrl });
    const origin = new URL(provider.url).origin;
    for (let i = 0; i < 31; i++) expect((await pay(`${provider.url}/session`)).status).toBe(200);
    const first = pay.session(origin)!;
    expect(first).toMatchObject({ deposit: 40_000n, cumulative: 30_000n });
    expect((await stack.signaturesFor(first.channel)).length).toBe(2); // open + top-up

    // The provider restarts and forgets the channel (410): the client opens a new session.
    await provider.stop();
    const again = await stack.provider(1_000n, [], provider.port);
    const response = await pay(`${again.url}/session`);
    expect(response.status).toBe(200);
    expect(paymentOf(response)?.kind).toBe("session-open");
    const second = pay.session(origin)!;
    expect(second.channel).not.toBe(first.channel);
    expect((await pay(`${again.url}/session`)).status).toBe(200);

    await pay.dispose();
    expect(pay.session(origin)).toBeUndefined();
    expect((await stack.signaturesFor(second.channel)).length).toBe(2); // open + close
  });

  it("opens one session between requests racing to a new provider", async () => {
    const provider = await stack.provider(1_000n);
    const account = await stack.policyAccount({ maxSingleTransfer: 5n * USDC, maxDailySpend: 50n * USDC }, 10n * USDC);
    const pay = createPayingFetch({ wallet: policyWallet({ agentSecretKey: account.agent, wallet: account.wallet }), rpcUrl: stack.rpcUrl });
    const responses = await Promise.all(Array.from({ length: 8 }, () => pay(`${provider.url}/session`)));
    expect(responses.map((r) => r.status)).toEqual(new Array(8).fill(200));
    const kinds = responses.map((r) => paymentOf(r)!.kind).sort();
    expect(kinds).toEqual(["session", "session", "session", "session", "session", "session", "session", "session-open"]);
    expect(new Set(responses.map((r) => paymentOf(r)!.channel)).size).toBe(1);
    expect(pay.session(new URL(provider.url).origin)?.cumulative).toBe(7_000n);
    await pay.dispose();
  });

  it("stops at maxPerSession without signing a top-up", async () => {
    const provider = await stack.provider(1_000n);
    const account = await stack.policyAccount({ maxSingleTransfer: 5n * USDC, maxDailySpend: 50n * USDC }, USDC);
    const pay = createPayingFetch({ wallet: policyWallet({ agentSecretKey: account.agent, wallet: account.wallet }), rpcUrl: stack.rpcUrl, maxPerSession: 5_000n });
    for (let i = 0; i < 6; i++) expect((await pay(`${provider.url}/session`)).status).toBe(200);
    const state = pay.session(new URL(provider.url).origin)!;
    expect(state).toMatchObject({ deposit: 5_000n, cumulative: 5_000n });
    const error = await pay(`${provider.url}/session`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChallengeRejectedError);
    expect((error as ChallengeRejectedError).code).toBe("declined");
    expect((await stack.signaturesFor(state.channel)).length).toBe(1); // the open only
    await pay.dispose();
  });

  it("closes a session left idle", async () => {
    const provider = await stack.provider(1_000n);
    const account = await stack.policyAccount({ maxSingleTransfer: 5n * USDC, maxDailySpend: 50n * USDC }, USDC);
    const pay = createPayingFetch({ wallet: policyWallet({ agentSecretKey: account.agent, wallet: account.wallet }), rpcUrl: stack.rpcUrl, sessionIdleMs: 300 });
    const origin = new URL(provider.url).origin;
    expect((await pay(`${provider.url}/session`)).status).toBe(200);
    expect((await pay(`${provider.url}/session`)).status).toBe(200);
    const channel = pay.session(origin)!.channel;
    await waitFor("the idle session to close", async () => pay.session(origin) === undefined, 10_000);
    expect((await stack.signaturesFor(channel)).length).toBe(2);
    await pay.dispose();
  });

  it("refuses a session the wallet's policy does not allow, opening nothing", async () => {
    const provider = await stack.provider(1_000n);
    const account = await stack.policyAccount({ maxSingleTransfer: 5n * USDC, maxDailySpend: 50n * USDC }, USDC);
    await stack.operator.accounts.pause(account.accountId);
    const pay = createPayingFetch({ wallet: policyWallet({ agentSecretKey: account.agent, wallet: account.wallet }), rpcUrl: stack.rpcUrl });
    const error = await pay(`${provider.url}/session`).catch((e: unknown) => e);
    expect((error as PaymentRefusedError).reason).toBe("wallet_paused");
    await pay.dispose();
  });
});

describe("custodial accounts", () => {
  it("waits for an operator to approve a payment above the threshold", async () => {
    const provider = await stack.provider(60_000n);
    const account = await stack.custodialAccount({ maxSingleTransfer: 5n * USDC, maxDailySpend: 50n * USDC, escalationThreshold: 50_000 }, USDC);
    const wallet = custodialWallet({ api: stack.agentApi, accountId: account.accountId, mint: stack.mint });
    const url = `${provider.url}/charge`;

    // Without waiting: a typed refusal naming the escalation; nothing moves.
    const refusedAtOnce = createPayingFetch({ wallet, acceptReceipts: false });
    const error = (await refusedAtOnce(url).catch((e: unknown) => e)) as PaymentRefusedError;
    expect(error).toBeInstanceOf(PaymentRefusedError);
    expect(error.reason).toBe("escalation_required");
    expect(error.escalationId).toMatch(/^esc_/);
    await stack.operator.escalations.deny(error.escalationId!);

    // Waiting: the operator approves and the owner's co-signature lets the chain pay.
    const waiting = createPayingFetch({ wallet, acceptReceipts: false, approvalWaitMs: 30_000 });
    const approve = (async () => {
      for (;;) {
        const page = await stack.operator.escalations.list({ status: "pending" });
        const pending = page.items[0];
        if (pending) return stack.operator.escalations.approve(pending.escalationId);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const [response] = await Promise.all([waiting(url), approve]);
    expect(response.status).toBe(200);
    expect(paymentOf(response)).toMatchObject({ kind: "custodial-transaction", amount: 60_000n });

    // Waiting, and denied: a typed refusal, nothing more moves.
    const deny = (async () => {
      for (;;) {
        const pending = (await stack.operator.escalations.list({ status: "pending" })).items[0];
        if (pending) return stack.operator.escalations.deny(pending.escalationId);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const [denied] = await Promise.all([waiting(url).catch((e: unknown) => e), deny]);
    expect(denied).toBeInstanceOf(PaymentRefusedError);
    expect((denied as PaymentRefusedError).reason).toBe("not_approved");
  });

  it("pays by a receipt the API signs below the threshold", async () => {
    const provider = await stack.provider(10_000n);
    const account = await stack.custodialAccount({ maxSingleTransfer: 5n * USDC, maxDailySpend: 50n * USDC }, USDC);
    const pay = createPayingFetch({ wallet: custodialWallet({ api: stack.agentApi, accountId: account.accountId, mint: stack.mint }) });
    const response = await pay(`${provider.url}/charge`);
    expect(response.status).toBe(200);
    expect(paymentOf(response)?.kind).toBe("custodial-receipt");
    const receipts = await stack.operator.receipts.list({ accountId: account.accountId }).all();
    expect(receipts).toHaveLength(1);
  });
});

describe("webhooks", () => {
  it("verifies a real delivery and refuses a bad signature", async () => {
    const deliveries: { body: string; headers: IncomingHttpHeaders }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        deliveries.push({ body, headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as { port: number }).port;
      const endpoint = await stack.operator.webhooks.create({ url: `http://127.0.0.1:${port}/hooks`, events: ["account.paused"] });
      const account = await stack.policyAccount({ maxSingleTransfer: USDC, maxDailySpend: USDC }, 0n);
      await stack.operator.accounts.pause(account.accountId);
      await waitFor("a webhook delivery", async () => deliveries.length > 0, 60_000);
      const delivery = deliveries[0]!;
      const event = verifyWebhook(delivery.body, delivery.headers as Record<string, string>, endpoint.secret!);
      expect(event.type).toBe("account.paused");
      expect(event.data.subject).toBe(account.accountId);
      const other = "whsec_" + Buffer.alloc(24, 7).toString("base64");
      expect(() => verifyWebhook(delivery.body, delivery.headers as Record<string, string>, other)).toThrow(WebhookVerificationError);
      expect(() => verifyWebhook(delivery.body.replace("account.paused", "account.unpaused"), delivery.headers as Record<string, string>, endpoint.secret!)).toThrow(WebhookVerificationError);
    } finally {
      server.close();
    }
  });
});
