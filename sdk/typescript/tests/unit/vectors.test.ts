// The shared vectors the Rust tests write (tests/vectors/sdk-vectors.json, regenerated with
// MPPPAL_UPDATE_VECTORS=1 cargo test -p mpppal --test shared_vectors): same verdicts, same
// bytes. A missing file fails the suite rather than skipping it.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { toJson } from "../../src/json.js";
import {
  challengeHash,
  Ed25519Key,
  escrowAddress,
  evaluate,
  formatCredential,
  parseChallenge,
  policyTransfer,
  openSession,
  topUpSession,
  receiptMessage,
  receiptRecordAddress,
  sessionAddress,
  signReceipt,
  signRequest,
  canonicalRequest,
  signVoucher,
  tokenAccountAddress,
  validatePolicy,
  vaultAddress,
  verifyWebhook,
  voucherMessage,
  walletAddress,
  type Policy,
  type Verdict,
} from "../../src/index.js";

const FILE = fileURLToPath(new URL("../../../../tests/vectors/sdk-vectors.json", import.meta.url));

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

function load(): Json {
  if (!existsSync(FILE)) {
    throw new Error(`shared vectors missing at ${FILE}: run MPPPAL_UPDATE_VECTORS=1 cargo test -p mpppal --test shared_vectors`);
  }
  // Integers beyond 2^53 (i64 times) would round in JSON.parse: read them as bigints.
  const text = readFileSync(FILE, "utf8").replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '$1"\\u0000$2"');
  return JSON.parse(text, (_k, v: unknown) => (typeof v === "string" && v.startsWith("\u0000") ? BigInt(v.slice(1)) : v));
}

const vectors = load();
/** One test per vector, named by its `name` (or `kind`). */
function cases(list: Json[], key: string, title: string, run: (c: Json) => unknown): void {
  if (!Array.isArray(list) || list.length === 0) throw new Error(`the vectors hold no ${title || key} cases`);
  for (const c of list) it(title.replace("%s", String(c[key])) || String(c[key]), () => run(c) as never);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const big = (v: string | null | undefined) => (v === null || v === undefined ? null : BigInt(v));

function policyOf(p: Json): Policy {
  return {
    maxSingleTransfer: BigInt(p.maxSingleTransfer),
    maxDailySpend: BigInt(p.maxDailySpend),
    allowedCounterparties: p.allowedCounterparties,
    categories: p.categories,
    requireMemo: p.requireMemo,
    escalationThreshold: big(p.escalationThreshold),
    paused: p.paused,
  };
}

function verdictJson(v: Verdict): Json {
  const out: Json = { ...v };
  for (const k of ["threshold", "limit", "remaining"]) if (typeof out[k] === "bigint") out[k] = out[k].toString();
  return out;
}

describe("policy vectors", () => {
  cases(vectors.policy.evaluate, "name", "evaluate: %s", (c: Json) => {
    const verdict = evaluate(
      policyOf(c.policy),
      { day: Number(c.spend.day), spent: BigInt(c.spend.spent) },
      { amount: BigInt(c.payment.amount), counterparty: c.payment.counterparty, category: c.payment.category, memo: c.payment.memo, ownerCosigned: c.payment.ownerCosigned },
      Number(c.now),
    );
    expect(verdictJson(verdict)).toEqual(c.verdict);
  });
  cases(vectors.policy.validate, "name", "validate: %s", (c: Json) => {
    expect(validatePolicy(policyOf(c.policy))).toBe(c.error);
  });
});

describe("voucher vectors", () => {
  cases(vectors.vouchers, "name", "%s", (c: Json) => {
    const key = Ed25519Key.from(c.signerSecretKey);
    expect(key.address).toBe(c.signer);
    expect(hex(voucherMessage(c.channel, BigInt(c.cumulative), c.expiresAt))).toBe(c.message);
    const signed = signVoucher(key, c.channel, BigInt(c.cumulative), c.expiresAt);
    expect(signed.signature).toBe(c.signature);
    expect(toJson(signed)).toBe(toJson(c.payload));
  });
});

describe("receipt vectors", () => {
  cases(vectors.receipts, "name", "%s", (c: Json) => {
    const key = Ed25519Key.from(c.signerSecretKey);
    expect(hex(challengeHash(c.challengeId))).toBe(c.challengeHash);
    const fields = { wallet: c.wallet, recipient: c.recipient, mint: c.mint, amount: BigInt(c.amount), expiresAt: c.expiresAt, challengeId: c.challengeId, category: c.category };
    expect(hex(receiptMessage(fields))).toBe(c.message);
    expect(signReceipt(key, fields).signature).toBe(c.signature);
  });
});

describe("credential vectors", () => {
  cases(vectors.credentials, "name", "%s", (c: Json) => {
    const challenge = parseChallenge(c.wwwAuthenticate);
    expect(formatCredential(challenge, c.payload)).toBe(c.authorization);
  });
});

describe("HMAC vectors", () => {
  cases(vectors.hmac, "name", "%s", (c: Json) => {
    expect(canonicalRequest(c.method, c.path, c.query, c.timestamp, c.body)).toBe(c.canonical);
    expect(signRequest(c.keyId, c.secret, { method: c.method, path: c.path, query: c.query, timestamp: c.timestamp, body: c.body })).toBe(c.authorization);
  });
});

describe("webhook vectors", () => {
  cases(vectors.webhooks, "name", "%s", (c: Json) => {
    // The vectors' timestamps are fixed; verify as at that moment.
    const realNow = Date.now;
    Date.now = () => c.timestamp * 1000;
    try {
      const headers = { "webhook-id": c.id, "webhook-timestamp": String(c.timestamp), "webhook-signature": c.signature };
      const event = verifyWebhook(c.body, headers, c.secret);
      expect(event.id).toBe(c.id);
      expect(() => verifyWebhook(c.body + " ", headers, c.secret)).toThrow();
    } finally {
      Date.now = realNow;
    }
  });
});

describe("address vectors", () => {
  cases(vectors.addresses, "kind", "%s", async (c: Json) => {
    const kind = c.kind;
    const i = c.inputs;
    const derived: Record<string, () => Promise<string>> = {
      wallet: () => walletAddress(i.walletKey),
      vault: () => vaultAddress(i.wallet, i.mint),
      tokenAccount: () => tokenAccountAddress(i.owner, i.mint),
      session: () => sessionAddress(i.wallet, BigInt(i.sessionId)),
      escrow: () => escrowAddress(i.session),
      receiptRecord: () => receiptRecordAddress(i.wallet, new Uint8Array(Buffer.from(i.challengeHash, "hex"))),
    };
    expect(await derived[kind as string]!()).toBe(c.address);
  });
});

describe("instruction vectors", () => {
  cases(vectors.instructions, "name", "%s", async (c: Json) => {
    const i = c.inputs;
    const n = (v: Json) => (v === null || v === undefined ? v : BigInt(v));
    const build: Record<string, () => Promise<Json>> = {
      "policy.transfer": () => policyTransfer({ ...i, amount: n(i.amount), nonce: n(i.nonce) }),
      "settlement.openSession": () => openSession({ ...i, sessionId: n(i.sessionId), deposit: n(i.deposit) }),
      "settlement.topUpSession": () => topUpSession({ ...i, sessionId: n(i.sessionId), amount: n(i.amount) }),
    };
    const ix = await build[c.builder]!();
    expect(ix.programId).toBe(c.programId);
    expect(ix.accounts).toEqual(c.accounts);
    expect(hex(ix.data)).toBe(c.data);
  });
});
