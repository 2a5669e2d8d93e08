// Payment sessions from the agent's side, as crates/mpppal-sdk/src/client/sessions.rs: one per
// provider origin, opened on the first session challenge, paid with cumulative vouchers, topped
// up within policy, reopened after a 410, closed on dispose() or when idle. The next voucher is
// signed while the current request is on the wire (ADR 0021/0022), so a paid request carries a
// voucher made beforehand.
import { randomBytes } from "node:crypto";
import { minBig } from "../amounts.js";
import { ChallengeRejectedError, PaymentRefusedError } from "../errors.js";
import { remainingToday } from "../policy/evaluate.js";
import { challengesOf, receiptOf, type PaymentChallenge } from "../protocol/challenge.js";
import { signVoucher, type SessionAction, type SignedVoucher } from "../protocol/solana-payloads.js";
import { keyBytes } from "../solana/base58.js";
import { sessionAddress } from "../solana/addresses.js";
import type { WalletSnapshot } from "../solana/chain.js";
import { openSession, topUpSession } from "../solana/settlement-ix.js";
import { buildTransaction } from "../solana/transaction.js";
import type { Instruction } from "../solana/instruction.js";
import { checkBalance, checkPolicy, credential, nowSeconds, type PayerContext } from "./context.js";
import { Mutex } from "./mutex.js";
import type { SessionOffer } from "./charge.js";
import type { PolicyWallet } from "./options.js";
import { recordPayment } from "./payment.js";
import { refused } from "./refusal.js";
import type { Replayable } from "./request.js";
import { vetOffer } from "./vet.js";

/** Seconds a session stays open before the payer may reclaim its escrow. */
const SESSION_SECONDS = 3600;

interface Prepared {
  cumulative: bigint;
  challengeId: string;
  voucher: SignedVoucher;
  headers: Record<string, string>;
}

interface OpenSession {
  challenge: PaymentChallenge;
  channel: string;
  channelBytes: Uint8Array;
  sessionId: bigint;
  payee: string;
  mint: string;
  feePayer: string;
  price: bigint;
  deposit: bigint;
  cumulative: bigint;
  lastVoucher: SignedVoucher | undefined;
  ahead: Prepared | undefined;
  url: string;
  lastUsed: number;
}

/** What a caller may see of an open session. */
export interface SessionState {
  channel: string;
  challenge: PaymentChallenge;
  price: bigint;
  deposit: bigint;
  /** The cumulative amount the provider has accepted so far. */
  cumulative: bigint;
  url: string;
}

interface Slot {
  mutex: Mutex;
  session: OpenSession | undefined;
}

export class Sessions {
  private readonly slots = new Map<string, Slot>();
  private readonly ctx: PayerContext;
  private readonly wallet: PolicyWallet;

  constructor(ctx: PayerContext, wallet: PolicyWallet) {
    this.ctx = ctx;
    this.wallet = wallet;
  }

  private slot(origin: string): Slot {
    let slot = this.slots.get(origin);
    if (!slot) {
      slot = { mutex: new Mutex(), session: undefined };
      this.slots.set(origin, slot);
    }
    return slot;
  }

  /** Pays `request` in the origin's session, if one is open; null means pay afresh. */
  async tryPay(request: Replayable): Promise<Response | null> {
    const slot = this.slots.get(request.origin);
    if (!slot?.session) return null;
    const release = await slot.mutex.lock();
    try {
      return await this.payIn(slot, request);
    } finally {
      release();
    }
  }

  /** Opens a session on `challenge` with `request` as its first, unmetered request. */
  async open(request: Replayable, challenge: PaymentChallenge, offer: SessionOffer, snapshot: WalletSnapshot): Promise<Response> {
    const slot = this.slot(request.origin);
    const release = await slot.mutex.lock();
    try {
      // Another request may have opened one meanwhile: use it rather than lock a second deposit.
      const paid = await this.payIn(slot, request);
      if (paid) return paid;
      const policy = snapshot.wallet.policy;
      const caps = [
        offer.suggestedDeposit ?? offer.price * 100n,
        policy.maxSingleTransfer,
        remainingToday(policy, snapshot.wallet.spend, nowSeconds()),
        snapshot.vaultBalance,
      ];
      if (this.ctx.options.maxPerSession !== undefined) caps.push(this.ctx.options.maxPerSession);
      const deposit = minBig(...caps);
      vetOffer(this.ctx.options, {
        origin: request.origin,
        url: request.url,
        challenge,
        amount: offer.price,
        recipient: offer.payee,
        mint: offer.mint,
        payBy: { kind: "session" },
        deposit,
      });
      checkPolicy(this.ctx, snapshot, offer.price, offer.payee);
      if (deposit < offer.price) {
        throw new PaymentRefusedError("insufficient_balance", `a deposit of ${deposit} base units cannot pay one request of ${offer.price}`);
      }
      checkPolicy(this.ctx, snapshot, deposit, offer.payee);
      const sessionId = randomBytes(8).readBigUInt64LE();
      const parties = {
        agent: this.wallet.agent.address,
        ownerCosigner: null,
        wallet: this.wallet.wallet,
        mint: offer.mint,
        payee: offer.payee,
        rentPayer: offer.feePayer,
        sessionId,
      };
      const ix = await openSession({ ...parties, deposit, expiresAt: nowSeconds() + SESSION_SECONDS, memo: null, category: this.ctx.options.category ?? null });
      const channel = await sessionAddress(this.wallet.wallet, sessionId);
      const action: SessionAction = {
        action: "open",
        channelId: channel,
        wallet: this.wallet.wallet,
        sessionId: sessionId.toString(),
        depositAmount: deposit.toString(),
        transaction: await this.agentTransaction([ix], offer.feePayer),
      };
      const response = await this.ctx.send(...request.build(credential(challenge, action)));
      // A refused payment opened nothing; any other answer means the session exists on chain.
      if ([400, 402, 403, 410].includes(response.status)) throw await refused(response);
      this.ctx.reporter?.sessionOpened(channel, request.url);
      slot.session = {
        challenge,
        channel,
        channelBytes: keyBytes("channel", channel),
        sessionId,
        payee: offer.payee,
        mint: offer.mint,
        feePayer: offer.feePayer,
        price: offer.price,
        deposit,
        cumulative: 0n,
        lastVoucher: undefined,
        ahead: undefined,
        url: request.url,
        lastUsed: Date.now(),
      };
      return recordPayment(response, { kind: "session-open", amount: 0n, challengeId: challenge.id, receipt: receiptOf(response.headers), channel });
    } finally {
      release();
    }
  }

  private async agentTransaction(instructions: Instruction[], feePayer: string): Promise<string> {
    const blockhash = await this.ctx.chain!.latestBlockhash();
    return (await buildTransaction(instructions, feePayer, blockhash, [this.wallet.agent])).wire;
  }

  private prepare(s: OpenSession, cumulative: bigint): Prepared {
    const voucher = signVoucher(this.wallet.agent, s.channel, cumulative, 0, s.channelBytes);
    const action: SessionAction = { action: "voucher", channelId: s.channel, voucher };
    return { cumulative, challengeId: s.challenge.id, voucher, headers: credential(s.challenge, action) };
  }

  private async payIn(slot: Slot, request: Replayable): Promise<Response | null> {
    const s = slot.session;
    if (!s) return null;
    if (s.cumulative + s.price > s.deposit) await this.topUp(s);
    for (let attempt = 0; attempt < 2; attempt++) {
      const next = s.cumulative + s.price;
      const ready = s.ahead && s.ahead.cumulative === next && s.ahead.challengeId === s.challenge.id ? s.ahead : undefined;
      s.ahead = undefined;
      const prepared = ready ?? this.prepare(s, next);
      const sent = this.ctx.send(...request.build(prepared.headers));
      // The following voucher is signed while this request is on the wire.
      const after = next + s.price;
      const beside =
        after <= s.deposit
          ? new Promise<Prepared | undefined>((resolve) =>
              setImmediate(() => {
                try {
                  resolve(this.prepare(s, after));
                } catch {
                  resolve(undefined);
                }
              }),
            )
          : Promise.resolve(undefined);
      const response = await sent;
      if (response.ok) {
        s.ahead = await beside;
        s.cumulative = next;
        s.lastVoucher = prepared.voucher;
        s.lastUsed = Date.now();
        s.url = request.url;
        this.ctx.reporter?.voucher(s.channel, next, 0, prepared.voucher.signature);
        return recordPayment(response, { kind: "session", amount: s.price, challengeId: s.challenge.id, receipt: receiptOf(response.headers), channel: s.channel });
      }
      if (response.status === 410) {
        await response.body?.cancel();
        slot.session = undefined;
        return null;
      }
      if (response.status === 402 && attempt === 0) {
        // The cached challenge expired: take the fresh one and try once more.
        const fresh = challengesOf(response.headers).find((c) => c.intent === "session");
        await response.body?.cancel();
        if (!fresh) throw new ChallengeRejectedError("no_payable_challenge", "the provider offered no new session challenge");
        s.challenge = fresh;
        continue;
      }
      if ([400, 402, 403].includes(response.status)) throw await refused(response);
      // The handler failed: the provider kept the previous voucher, and so do we.
      s.ahead = prepared;
      return response;
    }
    throw new ChallengeRejectedError("no_payable_challenge", "the session challenge could not be renewed");
  }

  private async topUp(s: OpenSession): Promise<void> {
    const snapshot = await this.ctx.chain!.readWallet(this.wallet.wallet);
    let amount = minBig(s.deposit, snapshot.vaultBalance);
    const cap = this.ctx.options.maxPerSession;
    if (cap !== undefined) {
      if (s.deposit + s.price > cap) {
        throw new ChallengeRejectedError("declined", `the session has locked ${s.deposit} of maxPerSession ${cap}; one more request needs ${s.price}`);
      }
      amount = minBig(amount, cap - s.deposit);
    }
    if (amount < s.price) {
      throw new PaymentRefusedError("insufficient_balance", `a top-up of ${amount} base units cannot pay one request of ${s.price}`);
    }
    checkBalance(snapshot.vaultBalance, amount);
    checkPolicy(this.ctx, snapshot, amount, s.payee);
    const ix = await topUpSession({
      agent: this.wallet.agent.address,
      ownerCosigner: null,
      wallet: this.wallet.wallet,
      mint: s.mint,
      payee: s.payee,
      rentPayer: s.feePayer,
      sessionId: s.sessionId,
      amount,
      memo: null,
      category: this.ctx.options.category ?? null,
    });
    const action: SessionAction = {
      action: "topUp",
      channelId: s.channel,
      additionalAmount: amount.toString(),
      transaction: await this.agentTransaction([ix], s.feePayer),
    };
    const response = await this.ctx.send(s.url, { headers: credential(s.challenge, action) });
    if (!response.ok) throw await refused(response);
    await response.body?.cancel();
    s.deposit += amount;
    s.ahead = undefined;
  }

  /** Closes the chosen sessions with their last voucher; what each close answered. */
  async close(chosen: (idleMs: number) => boolean = () => true): Promise<Record<string, unknown>[]> {
    const closed: Record<string, unknown>[] = [];
    for (const slot of this.slots.values()) {
      const release = await slot.mutex.lock();
      try {
        const s = slot.session;
        if (!s || !chosen(Date.now() - s.lastUsed)) continue;
        const action: SessionAction = { action: "close", channelId: s.channel, ...(s.lastVoucher ? { voucher: s.lastVoucher } : {}) };
        const response = await this.ctx.send(s.url, { headers: credential(s.challenge, action) });
        if (response.status === 410) {
          // Nothing to close there: the deposit returns through expire_session once it expires.
          await response.body?.cancel();
          slot.session = undefined;
          closed.push({ channelId: s.channel, gone: true });
          continue;
        }
        if (!response.ok) throw await refused(response);
        slot.session = undefined;
        const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
        if (typeof answer.txHash === "string") this.ctx.reporter?.sessionClosed(s.channel, answer.txHash);
        closed.push({ channelId: s.channel, ...answer });
      } finally {
        release();
      }
    }
    return closed;
  }

  /** A read-only view of the session held for `origin`, if any. */
  state(origin: string): SessionState | undefined {
    const s = this.slots.get(origin)?.session;
    if (!s) return undefined;
    return { channel: s.channel, challenge: s.challenge, price: s.price, deposit: s.deposit, cumulative: s.cumulative, url: s.url };
  }
}
