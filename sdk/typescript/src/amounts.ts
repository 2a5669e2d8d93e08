// Money is bigint base units everywhere; on the wire it is a decimal string (u64).
import { InvalidInputError } from "./errors.js";

export const U64_MAX = (1n << 64n) - 1n;
export const I64_MAX = (1n << 63n) - 1n;

/** A u64 from a decimal string, bigint or safe integer; anything else fails at once. */
export function u64(field: string, value: unknown): bigint {
  let n: bigint;
  if (typeof value === "bigint") n = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === "string" && /^(0|[1-9][0-9]*)$/.test(value)) n = BigInt(value);
  else throw new InvalidInputError(field, `must be a non-negative integer of base units, got ${String(value)}`);
  if (n < 0n || n > U64_MAX) throw new InvalidInputError(field, "does not fit in 64 bits");
  return n;
}

/** A positive base-unit amount as a charge request carries it (no sign, fraction or leading zeros). */
export function baseUnits(field: string, text: unknown): bigint {
  if (typeof text !== "string" || !/^(0|[1-9][0-9]*)$/.test(text)) {
    throw new InvalidInputError(field, "must be a decimal integer of base units without sign, fraction or leading zeros");
  }
  const n = BigInt(text);
  if (n === 0n) throw new InvalidInputError(field, "must be above zero");
  if (n > U64_MAX) throw new InvalidInputError(field, "does not fit in 64 bits");
  return n;
}

export function minBig(...values: bigint[]): bigint {
  return values.reduce((a, b) => (b < a ? b : a));
}
