// Credential payloads of the `solana` method as MPPPal's paywall reads them
// (crates/mpppal-solana/src/method): key order follows the Rust structs so both SDKs send the
// same bytes.
import { exactNumber } from "../json.js";
import { encodeBase58 } from "../solana/base58.js";
import type { Ed25519Key } from "../solana/keys.js";
import { receiptMessage, voucherMessage, type ReceiptFields } from "../solana/messages.js";

export interface SignedVoucher {
  voucher: { channelId: string; cumulativeAmount: string; expiresAt?: number | bigint };
  signer: string;
  signature: string;
  signatureType: "ed25519";
}

/** Signs the cumulative voucher for `channel` (a session PDA, base58 and its 32 bytes). */
export function signVoucher(
  agent: Ed25519Key,
  channel: string,
  cumulative: bigint,
  expiresAt: number | bigint = 0,
  channelBytes?: Uint8Array,
): SignedVoucher {
  const signature = agent.sign(voucherMessage(channelBytes ?? channel, cumulative, expiresAt));
  const voucher: SignedVoucher["voucher"] = { channelId: channel, cumulativeAmount: cumulative.toString() };
  if (expiresAt !== 0 && expiresAt !== 0n) voucher.expiresAt = typeof expiresAt === "bigint" ? exactNumber(expiresAt) : expiresAt;
  return { voucher, signer: agent.address, signature: encodeBase58(signature), signatureType: "ed25519" };
}

export interface ReceiptPayload {
  type: "receipt";
  wallet: string;
  expiresAt: number | bigint;
  category?: string;
  signature: string;
}

/** Signs a deferred receipt; the payload names the wallet, never the key. */
export function signReceipt(agent: Ed25519Key, fields: ReceiptFields): ReceiptPayload {
  const signature = encodeBase58(agent.sign(receiptMessage(fields)));
  const payload: ReceiptPayload = { type: "receipt", wallet: fields.wallet, expiresAt: typeof fields.expiresAt === "bigint" ? exactNumber(fields.expiresAt) : fields.expiresAt } as ReceiptPayload;
  if (fields.category !== null) payload.category = fields.category;
  payload.signature = signature;
  return payload;
}

export type SessionAction =
  | { action: "open"; channelId: string; wallet: string; sessionId: string; depositAmount: string; transaction: string }
  | { action: "voucher"; channelId: string; voucher: SignedVoucher }
  | { action: "topUp"; channelId: string; additionalAmount: string; transaction: string }
  | { action: "close"; channelId: string; voucher?: SignedVoucher };
