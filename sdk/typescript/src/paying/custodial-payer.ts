// Paying for a custodial MPPPal account, as crates/mpppal-sdk/src/client/custodial.rs: the agent
// holds no key; on a 402 the operator API signs a deferred receipt (POST …/receipts) or a
// sponsored transaction (POST …/transactions), applying the wallet's policy and holding the
// day's budget. Above the escalation threshold a transaction waits for an operator's approval
// (polled, up to `approvalWaitMs` and the challenge's expiry) or fails at once.
import { ApiError, PaymentRefusedError } from "../errors.js";
import { challengesOf, receiptOf } from "../protocol/challenge.js";
import { expectedLegs } from "./charge.js";
import { credential, nowSeconds, type PayerContext } from "./context.js";
import type { CustodialWallet } from "./options.js";
import { recordPayment } from "./payment.js";
import { chooseCharge } from "./policy-payer.js";
import { refused } from "./refusal.js";
import type { Replayable } from "./request.js";
import { vetOffer } from "./vet.js";

/** Over a second apart: each poll must carry a new signature, not replay the last. */
const POLL_MS = 1100;

function custodyError(status: number, body: Record<string, unknown>): Error {
  const reason = typeof body.reason === "string" ? body.reason : undefined;
  if (status === 422 && reason) return new PaymentRefusedError(reason, String(body.detail ?? ""));
  return new ApiError(status, body);
}

export class CustodialPayer {
  private readonly ctx: PayerContext;
  private readonly wallet: CustodialWallet;

  constructor(ctx: PayerContext, wallet: CustodialWallet) {
    this.ctx = ctx;
    this.wallet = wallet;
  }

  async before(): Promise<Response | null> {
    return null;
  }

  async pay(request: Replayable, first: Response): Promise<Response> {
    const challenges = challengesOf(first.headers);
    await first.body?.cancel();
    const { challenge, charge, payBy } = chooseCharge(challenges, this.wallet.mint, this.ctx.settlementProgram, false, this.ctx.options.acceptReceipts ?? true);
    vetOffer(this.ctx.options, { origin: request.origin, url: request.url, challenge, amount: charge.amount, recipient: charge.recipient, mint: charge.mint, payBy, charge });
    const api = this.wallet.api;
    const base = `/v1/accounts/${encodeURIComponent(this.wallet.accountId)}`;
    const category = this.ctx.options.category ?? null;
    let payload: unknown;
    if (payBy.kind === "receipt") {
      const expiresAt = nowSeconds() + Math.min(this.ctx.options.receiptTtlSeconds ?? 300, payBy.ttlSeconds);
      const answer = await api.post(`${base}/receipts`, {
        challengeId: challenge.id,
        recipient: charge.recipient,
        mint: this.wallet.mint,
        amount: charge.amount,
        expiresAt,
        category,
      });
      if (answer.status !== 200 && answer.status !== 201) throw custodyError(answer.status, answer.body);
      const b = answer.body;
      payload = {
        type: "receipt",
        wallet: b.wallet,
        expiresAt: typeof b.expiresAt === "number" ? b.expiresAt : expiresAt,
        ...(typeof b.category === "string" ? { category: b.category } : {}),
        signature: b.signature,
      };
    } else {
      const expiresAt = challenge.expires ? Math.floor(Date.parse(challenge.expires) / 1000) : nowSeconds() + 300;
      const legs = (await expectedLegs(charge)).map((l) => ({ destination: l.destination, amount: l.amount }));
      const asked = await api.post(`${base}/transactions`, {
        challengeId: challenge.id,
        feePayer: payBy.kind === "sponsored" ? payBy.feePayer : "",
        recipient: charge.recipient,
        legs,
        expiresAt,
        category,
      });
      let transaction: unknown;
      if (asked.status === 201) transaction = asked.body.transaction;
      else if (asked.status === 202) transaction = await this.awaitApproval(`${base}/transactions/${String(asked.body.transferId)}`, String(asked.body.escalationId), expiresAt);
      else throw custodyError(asked.status, asked.body);
      payload = { type: "transaction", transaction };
    }
    const response = await this.ctx.send(...request.build(credential(challenge, payload)));
    if (!response.ok) throw await refused(response);
    return recordPayment(response, {
      kind: payBy.kind === "receipt" ? "custodial-receipt" : "custodial-transaction",
      amount: charge.amount,
      challengeId: challenge.id,
      receipt: receiptOf(response.headers),
    });
  }

  private async awaitApproval(path: string, escalationId: string, expiresAt: number): Promise<unknown> {
    const wait = this.ctx.options.approvalWaitMs;
    if (wait === undefined) {
      throw new PaymentRefusedError("escalation_required", `awaiting an operator's approval (escalation ${escalationId})`, escalationId);
    }
    const deadline = Date.now() + Math.min(wait, Math.max(0, expiresAt * 1000 - Date.now()));
    for (;;) {
      const answer = await this.wallet.api.post(path, undefined);
      if (answer.status === 200) return answer.body.transaction;
      if (!(answer.status === 409 && answer.body.code === "awaiting_approval")) throw custodyError(answer.status, answer.body);
      if (Date.now() >= deadline) {
        throw new PaymentRefusedError("escalation_required", `no operator approved escalation ${escalationId} in time`, escalationId);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
