// What the application configures once: who pays, where, how much at most, and its own say.
import type { MppPal } from "../operator/client.js";
import type { Ed25519Key } from "../solana/keys.js";
import type { PaymentChallenge } from "../protocol/challenge.js";
import type { ValidCharge } from "./charge.js";

/** An MPPPal wallet whose agent key this process holds (non-custodial). */
export interface PolicyWallet {
  kind: "policy";
  agent: Ed25519Key;
  /** The wallet PDA (`solanaAddress` of the account). */
  wallet: string;
}

/** A plain keypair paying from its own token account: no policy, receipts or sessions. */
export interface KeypairWallet {
  kind: "keypair";
  keypair: Ed25519Key;
}

/** A custodial MPPPal account: the API signs for it with the account's sealed key. */
export interface CustodialWallet {
  kind: "custodial";
  /** A client whose key has the `agent` scope. */
  api: MppPal;
  accountId: string;
  /** The USDC mint the account's wallet holds. */
  mint: string;
}

export type PayingWallet = PolicyWallet | KeypairWallet | CustodialWallet;

/** How a chosen offer is paid. */
export type PayBy =
  | { kind: "receipt"; ttlSeconds: number }
  | { kind: "sponsored"; feePayer: string }
  | { kind: "push" }
  | { kind: "session" };

/** An offer as the vetting hook sees it, before anything is signed. */
export interface Offer {
  origin: string;
  url: string;
  challenge: PaymentChallenge;
  /** What this request costs (for a session: one request's price). */
  amount: bigint;
  recipient: string;
  mint: string;
  payBy: PayBy;
  charge?: ValidCharge;
  /** For a session: the deposit about to be locked (or topped up). */
  deposit?: bigint;
}

export interface PayingFetchOptions {
  wallet: PayingWallet;
  /** Solana JSON-RPC (required for policy and keypair wallets). */
  rpcUrl?: string;
  /** Origins (`https://api.example.com`) this client may pay; absent = any. */
  allowedOrigins?: string[];
  /** Most one request may cost, in base units. */
  maxPricePerRequest?: bigint;
  /** Most one session may lock in escrow (deposit plus top-ups), in base units. */
  maxPerSession?: bigint;
  /** The spending category payments claim (when the wallet's policy lists categories). */
  category?: string;
  /** The application's own say: return (or throw) a string to decline an offer. */
  vet?: (offer: Offer) => string | void | undefined;
  /**
   * Pay by MPPPal deferred receipt where offered (default true). False pays by transaction
   * instead: the payment settles at once, and above the escalation threshold a custodial
   * account can wait for an operator's approval (a receipt cannot carry the owner's co-signature).
   */
  acceptReceipts?: boolean;
  /** Longest a deferred receipt may live (default 600 s, capped by the server's offer). */
  receiptTtlSeconds?: number;
  /** Pays fees for transactions this client sends itself (push); the agent key, or a sponsor. */
  feePayer?: Ed25519Key;
  /** Reports receipts and sessions to the operator API (key with the `agent` scope). */
  report?: { api: MppPal; accountId: string };
  /** Sessions idle this long are closed (default 5 minutes; 0 = never). */
  sessionIdleMs?: number;
  /** Custodial: how long to wait for an operator's approval above the threshold (default: fail at once). */
  approvalWaitMs?: number;
  /** The Settlement Program receipts and sessions must go through (default MPPPal's). */
  settlementProgram?: string;
  /** Fetch to send requests with (default: the global one). */
  fetch?: typeof fetch;
}

export const ACCEPT_PAYMENT = "solana/session, solana/charge;q=0.9";
