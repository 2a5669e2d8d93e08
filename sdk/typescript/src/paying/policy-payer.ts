// Paying from an MPPPal wallet whose agent key this process holds: sessions first, then an
// MPPPal deferred receipt, then a Policy Program transfer the server sponsors (pull), then (with
// a fee payer) one this client sends itself (push), as crates/mpppal-sdk/src/client/paying.rs.
import { ChallengeRejectedError } from "../errors.js";
import { challengesOf, receiptOf, type PaymentChallenge } from "../protocol/challenge.js";
import { signReceipt } from "../protocol/solana-payloads.js";
import type { WalletSnapshot } from "../solana/chain.js";
import { policyTransfer } from "../solana/policy-ix.js";
import { buildTransaction } from "../solana/transaction.js";
import { expectedLegs, sessionOffer, solanaCharge, type ValidCharge } from "./charge.js";
import { checkBalance, checkPolicy, credential, noPayable, nowSeconds, type PayerContext } from "./context.js";
import type { PayBy, PolicyWallet } from "./options.js";
import { recordPayment } from "./payment.js";
import { refused } from "./refusal.js";
import type { Replayable } from "./request.js";
import { Sessions } from "./sessions.js";
import { vetOffer } from "./vet.js";

export interface Chosen {
  challenge: PaymentChallenge;
  charge: ValidCharge;
  payBy: PayBy;
}

/** The first charge this wallet can pay in `mint`, best way first; or every reason why none. */
export function chooseCharge(challenges: PaymentChallenge[], mint: string, settlementProgram: string, canPush: boolean, receipts = true): Chosen {
  const reasons: string[] = [];
  for (const challenge of challenges) {
    try {
      const charge = solanaCharge(challenge);
      if (charge.mint !== mint) throw new Error("asks for another currency than the wallet holds");
      let payBy: PayBy;
      if (receipts && charge.receiptOffer && charge.receiptOffer.settlementProgram === settlementProgram) {
        payBy = { kind: "receipt", ttlSeconds: charge.receiptOffer.maxTtlSeconds };
      } else if (charge.feePayer) payBy = { kind: "sponsored", feePayer: charge.feePayer };
      else if (canPush) payBy = { kind: "push" };
      else if (receipts && charge.receiptOffer) throw new Error("receipts would settle through an unknown program");
      else throw new Error("neither receipts nor fee sponsorship offered, and the client has no fee payer");
      return { challenge, charge, payBy };
    } catch (e) {
      reasons.push(e instanceof Error ? e.message : String(e));
    }
  }
  throw noPayable(reasons);
}

export class PolicyPayer {
  private readonly ctx: PayerContext;
  private readonly wallet: PolicyWallet;
  readonly sessions: Sessions;

  constructor(ctx: PayerContext, wallet: PolicyWallet) {
    this.ctx = ctx;
    this.wallet = wallet;
    this.sessions = new Sessions(ctx, wallet);
  }

  async before(request: Replayable): Promise<Response | null> {
    return this.sessions.tryPay(request);
  }

  async pay(request: Replayable, first: Response): Promise<Response> {
    const challenges = challengesOf(first.headers);
    await first.body?.cancel();
    const snapshot = await this.ctx.chain!.readWallet(this.wallet.wallet);
    for (const c of challenges) {
      const offer = sessionOffer(c, snapshot.wallet.mint, this.ctx.settlementProgram);
      if (offer) return this.sessions.open(request, c, offer, snapshot);
    }
    const chosen = chooseCharge(challenges, snapshot.wallet.mint, this.ctx.settlementProgram, this.ctx.options.feePayer !== undefined, this.ctx.options.acceptReceipts ?? true);
    const { challenge, charge, payBy } = chosen;
    vetOffer(this.ctx.options, { origin: request.origin, url: request.url, challenge, amount: charge.amount, recipient: charge.recipient, mint: charge.mint, payBy, charge });
    checkPolicy(this.ctx, snapshot, charge.amount, charge.recipient);
    checkBalance(snapshot.vaultBalance, charge.amount);

    let payload: unknown;
    let pushed: string | undefined;
    let deferred: { expiresAt: number; signature: string } | undefined;
    if (payBy.kind === "receipt") {
      const ttl = Math.min(this.ctx.options.receiptTtlSeconds ?? 600, payBy.ttlSeconds);
      const expiresAt = nowSeconds() + ttl;
      const signed = signReceipt(this.wallet.agent, {
        wallet: this.wallet.wallet,
        recipient: charge.recipient,
        mint: charge.mint,
        amount: charge.amount,
        expiresAt,
        challengeId: challenge.id,
        category: this.ctx.options.category ?? null,
      });
      deferred = { expiresAt, signature: signed.signature };
      payload = signed;
    } else if (payBy.kind === "sponsored") {
      const tx = await buildTransaction(await this.transfers(charge, snapshot), payBy.feePayer, await this.ctx.chain!.latestBlockhash(), [this.wallet.agent]);
      payload = { type: "transaction", transaction: tx.wire };
    } else {
      const feePayer = this.ctx.options.feePayer!;
      const signers = feePayer.address === this.wallet.agent.address ? [feePayer] : [feePayer, this.wallet.agent];
      const tx = await buildTransaction(await this.transfers(charge, snapshot), feePayer.address, await this.ctx.chain!.latestBlockhash(), signers);
      pushed = await this.ctx.chain!.sendAndConfirm(tx.wire, tx.signature);
      payload = { type: "signature", signature: pushed };
    }

    let response: Response;
    try {
      response = await this.ctx.send(...request.build(credential(challenge, payload)));
    } catch (e) {
      if (pushed) throw new ChallengeRejectedError("refused_after_paying", `no answer: ${String(e)}`, { paidBy: pushed });
      throw e;
    }
    if (!response.ok) throw await refused(response, pushed);
    const receipt = receiptOf(response.headers);
    if (deferred && receipt) {
      this.ctx.reporter?.receipt({
        challengeId: challenge.id,
        recipient: charge.recipient,
        mint: charge.mint,
        amount: charge.amount,
        expiresAt: deferred.expiresAt,
        category: this.ctx.options.category ?? null,
        signature: deferred.signature,
      });
    }
    const kind = payBy.kind === "receipt" ? "receipt" : payBy.kind === "sponsored" ? "pull" : "push";
    return recordPayment(response, { kind, amount: charge.amount, challengeId: challenge.id, receipt, ...(pushed ? { signature: pushed } : {}) });
  }

  /** One Policy Program transfer per leg, with consecutive wallet nonces. */
  private async transfers(charge: ValidCharge, snapshot: WalletSnapshot) {
    const legs = await expectedLegs(charge);
    return Promise.all(
      legs.map((leg, i) =>
        policyTransfer({
          agent: this.wallet.agent.address,
          ownerCosigner: null,
          wallet: this.wallet.wallet,
          mint: charge.mint,
          destination: leg.destination,
          amount: leg.amount,
          nonce: snapshot.wallet.nonce + BigInt(i),
          memo: null,
          category: this.ctx.options.category ?? null,
        }),
      ),
    );
  }
}
