// The messages agents sign off chain (docs/programs.md, "Signed messages"): the 50-byte session
// voucher of the MPP Solana session draft and MPPPal's 178-byte deferred receipt.
import { createHash } from "node:crypto";
import { InvalidInputError } from "../errors.js";
import { I64_MAX, u64 } from "../amounts.js";
import { keyBytes } from "./base58.js";

export const VOUCHER_LEN = 50;
export const RECEIPT_LEN = 178;
export const CATEGORY_LEN = 32;

function i64(field: string, value: number | bigint): bigint {
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new InvalidInputError(field, "must be an integer (pass a bigint beyond 2^53)");
  }
  const n = BigInt(value);
  if (n < -I64_MAX - 1n || n > I64_MAX) throw new InvalidInputError(field, "does not fit in i64");
  return n;
}

/** `0x56 0x01 ‖ channel (32) ‖ cumulative u64 LE ‖ expiresAt i64 LE (0 = none)`. */
export function voucherMessage(channel: Uint8Array | string, cumulative: bigint, expiresAt: number | bigint = 0): Uint8Array {
  const m = new Uint8Array(VOUCHER_LEN);
  m[0] = 0x56;
  m[1] = 0x01;
  m.set(typeof channel === "string" ? keyBytes("channel", channel) : channel, 2);
  const view = new DataView(m.buffer);
  view.setBigUint64(34, u64("cumulative", cumulative), true);
  view.setBigInt64(42, i64("expiresAt", expiresAt), true);
  return m;
}

/** SHA-256 of an MPP challenge id, as receipts and receipt records carry it. */
export function challengeHash(challengeId: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(challengeId, "utf8").digest());
}

/** A receipt's category field: UTF-8 zero-padded to 32 bytes; all zeros = none. */
export function categoryField(category: string | null | undefined): Uint8Array {
  const out = new Uint8Array(CATEGORY_LEN);
  if (category === null || category === undefined) return out;
  const bytes = new TextEncoder().encode(category);
  if (bytes.length > CATEGORY_LEN || bytes.includes(0)) {
    throw new InvalidInputError("category", "must be at most 32 bytes of UTF-8 without zero bytes");
  }
  out.set(bytes);
  return out;
}

export interface ReceiptFields {
  wallet: string;
  recipient: string;
  mint: string;
  amount: bigint;
  expiresAt: number | bigint;
  challengeId: string;
  category: string | null;
}

/**
 * `0x52 0x01 ‖ wallet (32) ‖ recipient (32) ‖ mint (32) ‖ amount u64 LE ‖ expiresAt i64 LE ‖
 * sha256(challenge id) (32) ‖ category (32)`.
 */
export function receiptMessage(r: ReceiptFields): Uint8Array {
  const m = new Uint8Array(RECEIPT_LEN);
  m[0] = 0x52;
  m[1] = 0x01;
  m.set(keyBytes("wallet", r.wallet), 2);
  m.set(keyBytes("recipient", r.recipient), 34);
  m.set(keyBytes("mint", r.mint), 66);
  const view = new DataView(m.buffer);
  view.setBigUint64(98, u64("amount", r.amount), true);
  view.setBigInt64(106, i64("expiresAt", r.expiresAt), true);
  m.set(challengeHash(r.challengeId), 114);
  m.set(categoryField(r.category), 146);
  return m;
}
