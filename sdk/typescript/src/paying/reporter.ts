// Reporting to the MPPPal operator API off the request path, as the Rust ApiReporter does:
// `receipt` and the session calls only queue; one background loop sends. Deferred receipts go
// to POST /v1/receipts in batches of up to 200; sessions are reported open, with their highest
// voucher at most once a second and before the close, and closed. The API stores each receipt
// once per (account, challenge id) and each session once per channel, so a resend is harmless;
// the operator client's transport retries with backoff under one Idempotency-Key.
import type { MppPal } from "../operator/client.js";

export interface Delivered {
  stored: number;
  duplicate: number;
  conflict: number;
  invalid: number;
  failed: number;
  sessionsOpened: number;
  vouchers: number;
  sessionsClosed: number;
}

export interface ReceiptReport {
  challengeId: string;
  recipient: string;
  mint: string;
  amount: bigint;
  expiresAt: number;
  category: string | null;
  signature: string;
}

type Message =
  | { kind: "receipt"; report: ReceiptReport }
  | { kind: "opened"; channel: string; url: string }
  | { kind: "voucher"; channel: string; cumulative: bigint; expiresAt: number; signature: string }
  | { kind: "closed"; channel: string; tx: string };

const BATCH = 200;
const VOUCHER_EVERY_MS = 1000;

export class ApiReporter {
  private readonly api: MppPal;
  private readonly accountId: string;
  private queue: Message[] = [];
  private running: Promise<void> | undefined;
  private readonly sessions = new Map<string, string>();
  private readonly vouchers = new Map<string, { cumulative: bigint; expiresAt: number; signature: string }>();
  private timer: ReturnType<typeof setInterval> | undefined;
  readonly totals: Delivered = { stored: 0, duplicate: 0, conflict: 0, invalid: 0, failed: 0, sessionsOpened: 0, vouchers: 0, sessionsClosed: 0 };
  /** Why the last reports failed, for logs and tests. */
  readonly problems: string[] = [];

  constructor(api: MppPal, accountId: string) {
    this.api = api;
    this.accountId = accountId;
  }

  receipt(report: ReceiptReport): void {
    this.push({ kind: "receipt", report });
  }

  sessionOpened(channel: string, url: string): void {
    this.push({ kind: "opened", channel, url });
  }

  voucher(channel: string, cumulative: bigint, expiresAt: number, signature: string): void {
    const held = this.vouchers.get(channel);
    if (!held || cumulative > held.cumulative) this.vouchers.set(channel, { cumulative, expiresAt, signature });
    if (!this.timer) {
      this.timer = setInterval(() => this.wake(), VOUCHER_EVERY_MS);
      this.timer.unref();
    }
  }

  sessionClosed(channel: string, tx: string): void {
    this.push({ kind: "closed", channel, tx });
  }

  /** Waits until everything queued so far is delivered or given up on; the totals so far. */
  async flush(): Promise<Delivered> {
    this.wake(true);
    while (this.running) await this.running;
    await this.sendVouchers();
    return { ...this.totals };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private push(m: Message): void {
    this.queue.push(m);
    this.wake();
  }

  private wake(_flush = false): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.queue.length > 0) this.wake();
    });
  }

  private async drain(): Promise<void> {
    // Off the caller's turn: a report never delays the response it is about.
    await new Promise((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const taken = this.queue;
      this.queue = [];
      let batch: ReceiptReport[] = [];
      for (const m of taken) {
        if (m.kind === "receipt") {
          batch.push(m.report);
          if (batch.length === BATCH) {
            await this.sendReceipts(batch);
            batch = [];
          }
        } else {
          if (batch.length > 0) {
            await this.sendReceipts(batch);
            batch = [];
          }
          await this.session(m);
        }
      }
      if (batch.length > 0) await this.sendReceipts(batch);
    }
    await this.sendVouchers();
  }

  private async post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> } | undefined> {
    try {
      const answer = await this.api.post(path, body);
      if (answer.status >= 500) {
        this.problems.push(`${path}: ${answer.status}`);
        return undefined;
      }
      return answer;
    } catch (e) {
      this.problems.push(`${path}: ${String(e)}`);
      return undefined;
    }
  }

  private async sendReceipts(batch: ReceiptReport[]): Promise<void> {
    const answer = await this.post("/v1/receipts", {
      receipts: batch.map((r) => ({ accountId: this.accountId, ...r })),
    });
    if (answer?.status !== 200) {
      if (answer) this.problems.push(`/v1/receipts: ${answer.status} ${JSON.stringify(answer.body)}`);
      this.totals.failed += batch.length;
      return;
    }
    for (const result of (answer.body.results as { outcome?: string; detail?: string }[]) ?? []) {
      if (result.outcome === "stored") this.totals.stored++;
      else if (result.outcome === "duplicate") this.totals.duplicate++;
      else if (result.outcome === "conflict") this.totals.conflict++;
      else {
        this.totals.invalid++;
        this.problems.push(`receipt refused: ${result.detail ?? "?"}`);
      }
    }
  }

  private async session(m: Exclude<Message, { kind: "receipt" }>): Promise<void> {
    if (m.kind === "opened") {
      const answer = await this.post("/v1/sessions", { accountId: this.accountId, channel: m.channel, providerEndpoint: m.url });
      const id = answer?.body.sessionId;
      if ((answer?.status === 200 || answer?.status === 201) && typeof id === "string") {
        this.sessions.set(m.channel, id);
        this.totals.sessionsOpened++;
      } else if (answer) this.problems.push(`/v1/sessions: ${answer.status} ${JSON.stringify(answer.body)}`);
    } else if (m.kind === "voucher") {
      this.voucher(m.channel, m.cumulative, m.expiresAt, m.signature);
    } else {
      await this.sendVoucher(m.channel);
      const id = this.sessions.get(m.channel);
      if (!id) return;
      this.sessions.delete(m.channel);
      const answer = await this.post(`/v1/sessions/${id}/close`, { tx: m.tx });
      if (answer?.status === 200) this.totals.sessionsClosed++;
      else if (answer) this.problems.push(`/v1/sessions/${id}/close: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  }

  private async sendVouchers(): Promise<void> {
    for (const channel of [...this.vouchers.keys()]) await this.sendVoucher(channel);
  }

  private async sendVoucher(channel: string): Promise<void> {
    const id = this.sessions.get(channel);
    const v = this.vouchers.get(channel);
    if (!id || !v) return;
    this.vouchers.delete(channel);
    const answer = await this.post(`/v1/sessions/${id}/vouchers`, { cumulative: v.cumulative, expiresAt: v.expiresAt, signature: v.signature });
    if (answer?.status === 200) this.totals.vouchers++;
    else if (answer) this.problems.push(`/v1/sessions/${id}/vouchers: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}
