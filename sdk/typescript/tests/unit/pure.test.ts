// Pure parts checked against values the Rust side fixes (program constants, known layouts).
import { address, getBase58Decoder, getProgramDerivedAddress } from "@solana/kit";
import { describe, expect, it } from "vitest";
import {
  decodeBase58,
  Ed25519Key,
  encodeBase58,
  evaluate,
  InvalidInputError,
  receiptMessage,
  SETTLEMENT_AUTHORITY,
  SETTLEMENT_PROGRAM_ID,
  signRequest,
  validatePolicy,
  verifySignature,
  voucherMessage,
  type Policy,
} from "../../src/index.js";

const policy: Policy = {
  maxSingleTransfer: 5_000_000n,
  maxDailySpend: 50_000_000n,
  allowedCounterparties: [],
  categories: [],
  requireMemo: false,
  escalationThreshold: 2_000_000n,
  paused: false,
};
const someone = "11111111111111111111111111111112";

describe("base58", () => {
  it("round-trips keys and signatures, leading zeros included", () => {
    for (const bytes of [new Uint8Array(32), new Uint8Array(64).fill(255), Uint8Array.from({ length: 64 }, (_, i) => i)]) {
      expect(decodeBase58("x", encodeBase58(bytes))).toEqual(bytes);
    }
    expect(encodeBase58(new Uint8Array(64))).toBe("1".repeat(64));
  });
  it("encodes as @solana/kit does, for random keys and signatures", () => {
    const kit = getBase58Decoder();
    for (let t = 0; t < 2000; t++) {
      const bytes = globalThis.crypto.getRandomValues(new Uint8Array([0, 1, 31, 32, 33, 64][t % 6]!));
      if (t % 7 === 0 && bytes.length > 2) bytes.set([0, 0]);
      expect(encodeBase58(bytes)).toBe(kit.decode(bytes));
      expect(decodeBase58("x", encodeBase58(bytes))).toEqual(bytes);
    }
  });
  it("refuses characters outside the alphabet", () => {
    expect(() => decodeBase58("x", "0OIl")).toThrow(InvalidInputError);
  });
});

describe("addresses", () => {
  it("derives the settlement authority the programs hard-code", async () => {
    const [pda, bump] = await getProgramDerivedAddress({
      programAddress: address(SETTLEMENT_PROGRAM_ID),
      seeds: [new TextEncoder().encode("settlement-authority")],
    });
    expect(pda).toBe(SETTLEMENT_AUTHORITY);
    expect(bump).toBe(251);
  });
});

describe("signed messages", () => {
  it("lays a voucher out as the session draft's 50 bytes", () => {
    const m = voucherMessage(new Uint8Array(32).fill(9), 0x0102n, -1);
    expect(m.length).toBe(50);
    expect([m[0], m[1]]).toEqual([0x56, 0x01]);
    expect([m[34], m[35]]).toEqual([0x02, 0x01]);
    expect(Array.from(m.subarray(42))).toEqual(new Array(8).fill(255));
  });
  it("lays a receipt out in 178 bytes and signs it verifiably", () => {
    const key = Ed25519Key.generate();
    const m = receiptMessage({ wallet: someone, recipient: someone, mint: someone, amount: 1n, expiresAt: 2, challengeId: "c", category: "data" });
    expect(m.length).toBe(178);
    expect(new TextDecoder().decode(m.subarray(146, 150))).toBe("data");
    expect(verifySignature(key.address, m, key.sign(m))).toBe(true);
  });
  it("refuses a category that does not fit", () => {
    expect(() => receiptMessage({ wallet: someone, recipient: someone, mint: someone, amount: 1n, expiresAt: 2, challengeId: "c", category: "x".repeat(33) })).toThrow(InvalidInputError);
  });
});

describe("keys", () => {
  it("accepts a 64-byte Solana secret key and checks its public half", () => {
    const key = Ed25519Key.generate();
    expect(Ed25519Key.from(key.secretKey()).address).toBe(key.address);
    const bad = key.secretKey();
    bad[40] = bad[40]! ^ 1;
    expect(() => Ed25519Key.from(bad)).toThrow(InvalidInputError);
  });
});

describe("policy", () => {
  it("denies in the program's order: paused before everything", () => {
    const v = evaluate({ ...policy, paused: true }, { day: 0, spent: 0n }, { amount: 0n, counterparty: someone, category: null, memo: null, ownerCosigned: false }, 0);
    expect(v).toEqual({ decision: "deny", code: "wallet_paused" });
  });
  it("counts today's spend only, and escalates last", () => {
    const day = 20_000;
    const now = day * 86_400 + 5;
    const pay = { amount: 3_000_000n, counterparty: someone, category: null, memo: null, ownerCosigned: false };
    expect(evaluate(policy, { day, spent: 48_000_000n }, pay, now)).toEqual({ decision: "deny", code: "over_daily_limit", limit: 50_000_000n, remaining: 2_000_000n });
    expect(evaluate(policy, { day: day - 1, spent: 48_000_000n }, pay, now)).toEqual({ decision: "escalate", reason: "above_threshold", threshold: 2_000_000n });
    expect(evaluate(policy, { day, spent: 0n }, { ...pay, ownerCosigned: true }, now)).toEqual({ decision: "allow" });
  });
  it("treats U+FEFF as a memo, as Rust's trim does", () => {
    const v = evaluate({ ...policy, requireMemo: true }, { day: 0, spent: 0n }, { amount: 1n, counterparty: someone, category: null, memo: "\uFEFF", ownerCosigned: false }, 0);
    expect(v).toEqual({ decision: "allow" });
  });
  it("validates like the policy crate", () => {
    expect(validatePolicy(policy)).toBeNull();
    expect(validatePolicy({ ...policy, maxSingleTransfer: 60_000_000n })).toBe("single_above_daily");
    expect(validatePolicy({ ...policy, categories: ["Data"] })).toBe("invalid_category");
    expect(validatePolicy({ ...policy, escalationThreshold: 0n })).toBe("zero_escalation_threshold");
  });
});

describe("HMAC request signatures", () => {
  it("has the ADR 0010 shape", () => {
    const h = signRequest("mpk_1", "secret", { method: "GET", path: "/v1/operator", timestamp: 1795000000 });
    expect(h).toMatch(/^MPPPal-HMAC-SHA256 KeyId=mpk_1, Timestamp=1795000000, Signature=[0-9a-f]{64}$/);
  });
});
