// The `request` of a `solana` challenge, checked as crates/mpppal-solana/src/method/charge.rs
// and session.rs check it, and the transfer legs a charge asks for.
import { baseUnits } from "../amounts.js";
import { InvalidInputError } from "../errors.js";
import { keyBytes } from "../solana/base58.js";
import { tokenAccountAddress } from "../solana/addresses.js";
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from "../solana/programs.js";
import { isExpired, type PaymentChallenge } from "../protocol/challenge.js";

export interface ValidCharge {
  amount: bigint;
  mint: string;
  decimals: number;
  recipient: string;
  feePayer: string | null;
  splits: { recipient: string; amount: bigint }[];
  receiptOffer: { settlementProgram: string; maxTtlSeconds: number } | null;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});

function key(field: string, value: unknown): string {
  if (typeof value !== "string") throw new InvalidInputError(field, "not a base58 public key");
  keyBytes(field, value);
  return value;
}

/** A current `solana` charge's request, validated; throws with the reason it cannot be paid. */
export function solanaCharge(challenge: PaymentChallenge): ValidCharge {
  if (challenge.method !== "solana" || challenge.intent !== "charge") {
    throw new InvalidInputError("challenge", `${challenge.method}/${challenge.intent} not supported`);
  }
  if (isExpired(challenge)) throw new InvalidInputError("challenge", "expired");
  const r = challenge.request;
  const d = obj(r.methodDetails);
  const amount = baseUnits("amount", r.amount);
  if (r.currency === "sol") throw new InvalidInputError("currency", "native SOL charges are not supported yet");
  const mint = key("currency", r.currency);
  const decimals = d.decimals;
  if (typeof decimals !== "number" || !Number.isInteger(decimals) || decimals < 0 || decimals > 9) {
    throw new InvalidInputError("methodDetails.decimals", "must be 0 to 9 when currency is a mint");
  }
  if (d.tokenProgram !== undefined && d.tokenProgram !== TOKEN_PROGRAM_ID && d.tokenProgram !== TOKEN_2022_PROGRAM_ID) {
    throw new InvalidInputError("methodDetails.tokenProgram", "must be the Token or Token-2022 program");
  }
  if (d.tokenProgram === TOKEN_2022_PROGRAM_ID) throw new InvalidInputError("methodDetails.tokenProgram", "Token-2022 is not supported yet");
  const recipient = key("recipient", r.recipient);
  let feePayer: string | null = null;
  if (d.feePayer === true) feePayer = key("methodDetails.feePayerKey", d.feePayerKey);
  else if (d.feePayerKey !== undefined) throw new InvalidInputError("methodDetails.feePayerKey", "only allowed when feePayer is true");
  const rawSplits = Array.isArray(d.splits) ? d.splits : [];
  if (rawSplits.length > 8) throw new InvalidInputError("methodDetails.splits", "at most 8 splits");
  const splits = rawSplits.map((s) => ({
    recipient: key("methodDetails.splits.recipient", obj(s).recipient),
    amount: baseUnits("methodDetails.splits.amount", obj(s).amount),
  }));
  if (splits.reduce((n, s) => n + s.amount, 0n) >= amount) {
    throw new InvalidInputError("methodDetails.splits", "must leave the primary recipient more than zero");
  }
  let receiptOffer: ValidCharge["receiptOffer"] = null;
  if (d.mpppalReceipt !== undefined) {
    const o = obj(d.mpppalReceipt);
    const ttl = o.maxTtlSeconds;
    if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl <= 0) {
      throw new InvalidInputError("methodDetails.mpppalReceipt.maxTtlSeconds", "must be above zero");
    }
    receiptOffer = { settlementProgram: key("methodDetails.mpppalReceipt.settlementProgram", o.settlementProgram), maxTtlSeconds: ttl };
  }
  return { amount, mint, decimals, recipient, feePayer, splits, receiptOffer };
}

export interface Leg {
  /** The recipient's associated token account. */
  destination: string;
  /** The owner of `destination`. */
  owner: string;
  amount: bigint;
}

/** The primary recipient's remainder, then each split. */
export async function expectedLegs(charge: ValidCharge): Promise<Leg[]> {
  const rest = charge.amount - charge.splits.reduce((n, s) => n + s.amount, 0n);
  const legs: Leg[] = [{ destination: await tokenAccountAddress(charge.recipient, charge.mint), owner: charge.recipient, amount: rest }];
  for (const s of charge.splits) legs.push({ destination: await tokenAccountAddress(s.recipient, charge.mint), owner: s.recipient, amount: s.amount });
  return legs;
}

export interface SessionOffer {
  price: bigint;
  mint: string;
  payee: string;
  feePayer: string;
  suggestedDeposit: bigint | null;
}

/** A payable session challenge through `settlementProgram` in `mint`, or null. */
export function sessionOffer(challenge: PaymentChallenge, mint: string, settlementProgram: string): SessionOffer | null {
  if (challenge.method !== "solana" || challenge.intent !== "session" || isExpired(challenge)) return null;
  const r = challenge.request;
  const d = obj(r.methodDetails);
  if (d.channelProgram !== settlementProgram || r.currency !== mint) return null;
  try {
    return {
      price: baseUnits("amount", r.amount),
      mint,
      payee: key("recipient", r.recipient),
      feePayer: key("methodDetails.feePayerKey", d.feePayerKey),
      suggestedDeposit: typeof r.suggestedDeposit === "string" ? baseUnits("suggestedDeposit", r.suggestedDeposit) : null,
    };
  } catch {
    return null;
  }
}
