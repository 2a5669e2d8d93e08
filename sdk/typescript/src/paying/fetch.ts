// The agent's entry point: a function with fetch's signature that pays 402s.
//   const pay = createPayingFetch({ wallet, rpcUrl }); const res = await pay(url, init);
import { InvalidInputError } from "../errors.js";
import { Chain } from "../solana/chain.js";
import { SETTLEMENT_PROGRAM_ID } from "../solana/programs.js";
import type { PayerContext } from "./context.js";
import { CustodialPayer } from "./custodial-payer.js";
import { KeypairPayer } from "./keypair-payer.js";
import { ACCEPT_PAYMENT, type PayingFetchOptions } from "./options.js";
import { PolicyPayer } from "./policy-payer.js";
import { ApiReporter, type Delivered } from "./reporter.js";
import { Replayable } from "./request.js";
import type { SessionState } from "./sessions.js";

export interface PayingFetch {
  (input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** Closes every open session with its last voucher (unspent deposit comes back). */
  closeSessions(): Promise<Record<string, unknown>[]>;
  /** Closes the sessions idle for `maxIdleMs` or longer. */
  closeIdleSessions(maxIdleMs: number): Promise<Record<string, unknown>[]>;
  /** The session held with `origin` (scheme://host[:port]), if one is open. */
  session(origin: string): SessionState | undefined;
  /** Waits for queued reports to reach the operator API; what it made of them. */
  flushReports(): Promise<Delivered | undefined>;
  /** Closes sessions, flushes reports and stops timers. Call it when the agent is done. */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const DEFAULT_IDLE_MS = 5 * 60_000;

function checkOptions(o: PayingFetchOptions): void {
  if (!o || typeof o !== "object") throw new InvalidInputError("options", "createPayingFetch takes an options object");
  const w = o.wallet as { kind?: unknown } | undefined;
  if (!w || !["policy", "keypair", "custodial"].includes(String(w.kind))) {
    throw new InvalidInputError("wallet", "must be policyWallet(…), keypairWallet(…) or custodialWallet(…)");
  }
  if (w.kind !== "custodial" && typeof o.rpcUrl !== "string") throw new InvalidInputError("rpcUrl", "is required to pay from a wallet the chain holds");
  for (const [field, value] of [["maxPricePerRequest", o.maxPricePerRequest], ["maxPerSession", o.maxPerSession]] as const) {
    if (value !== undefined && (typeof value !== "bigint" || value <= 0n)) throw new InvalidInputError(field, "must be a positive bigint of base units");
  }
  if (o.category !== undefined && !/^[a-z0-9_-]{1,32}$/.test(o.category)) {
    throw new InvalidInputError("category", "is 1-32 characters of a-z, 0-9, '_' or '-' (the policy's rule)");
  }
  if (o.allowedOrigins) {
    for (const origin of o.allowedOrigins) {
      let parsed: string | undefined;
      try {
        parsed = new URL(origin).origin;
      } catch {
        parsed = undefined;
      }
      if (parsed !== origin) throw new InvalidInputError("allowedOrigins", `${origin} is not an origin (scheme://host[:port])`);
    }
  }
}

export function createPayingFetch(options: PayingFetchOptions): PayingFetch {
  checkOptions(options);
  const send = options.fetch ?? globalThis.fetch;
  const reporter = options.report ? new ApiReporter(options.report.api, options.report.accountId) : undefined;
  const ctx: PayerContext = {
    options,
    chain: options.rpcUrl ? new Chain(options.rpcUrl) : undefined,
    reporter,
    send: (url, init) => send(url, init),
    settlementProgram: options.settlementProgram ?? SETTLEMENT_PROGRAM_ID,
  };
  const w = options.wallet;
  const payer = w.kind === "policy" ? new PolicyPayer(ctx, w) : w.kind === "keypair" ? new KeypairPayer(ctx, w) : new CustodialPayer(ctx, w);
  const sessions = payer instanceof PolicyPayer ? payer.sessions : undefined;

  const idleMs = options.sessionIdleMs ?? DEFAULT_IDLE_MS;
  let idleTimer: ReturnType<typeof setInterval> | undefined;
  if (sessions && idleMs > 0) {
    idleTimer = setInterval(() => void sessions.close((idle) => idle >= idleMs).catch(() => undefined), Math.min(idleMs, 60_000));
    idleTimer.unref();
  }

  const pay = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = await Replayable.from(input, init);
    const inSession = await payer.before(request);
    if (inSession) return inSession;
    const first = await send(...request.build({ "accept-payment": ACCEPT_PAYMENT }));
    if (first.status !== 402) return first;
    return payer.pay(request, first);
  }) as PayingFetch;

  pay.closeSessions = async () => (sessions ? sessions.close() : []);
  pay.closeIdleSessions = async (maxIdleMs) => (sessions ? sessions.close((idle) => idle >= maxIdleMs) : []);
  pay.session = (origin) => sessions?.state(origin);
  pay.flushReports = async () => reporter?.flush();
  pay.dispose = async () => {
    if (idleTimer) clearInterval(idleTimer);
    try {
      await pay.closeSessions();
    } finally {
      await reporter?.flush();
      reporter?.stop();
    }
  };
  pay[Symbol.asyncDispose] = pay.dispose;
  return pay;
}
