// Base58 (Bitcoin alphabet) for keys and signatures. A voucher's signature is encoded on every
// paid request, so this is the plain digit-array algorithm on small integers rather than a
// BigInt conversion.
import { InvalidInputError } from "../errors.js";

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) INDEX[ALPHABET.charCodeAt(i)] = i;

// Digits are accumulated five at a time, in limbs of 58^5 (< 2^30), which cuts the inner loop
// fivefold against digit-by-digit conversion.
const LIMB = 58 ** 5;
const INV_LIMB = 1 / LIMB;

const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));

export function encodeBase58(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  // Little-endian limbs of 58^5; 8 bits grow a number by at most 8 / log2(58^5) < 0.28 limbs.
  const limbs = new Float64Array(Math.ceil((bytes.length - zeros) * 0.28) + 1);
  let used = 0;
  // Two bytes per step (limb · 65536 + carry < 2^46, exact in a double) halves the work; an odd
  // count starts with one byte.
  let i = zeros;
  if ((bytes.length - zeros) % 2 === 1) {
    limbs[used++] = bytes[i++]!;
  }
  for (; i < bytes.length; i += 2) {
    let carry = bytes[i]! * 256 + bytes[i + 1]!;
    for (let k = 0; k < used; k++) {
      const x = limbs[k]! * 65536 + carry;
      // A multiplication by the reciprocal, corrected by one, is cheaper than a division.
      let q = Math.floor(x * INV_LIMB);
      let r = x - q * LIMB;
      if (r < 0) {
        q--;
        r += LIMB;
      } else if (r >= LIMB) {
        q++;
        r -= LIMB;
      }
      carry = q;
      limbs[k] = r;
    }
    while (carry > 0) {
      const q = Math.floor(carry / LIMB);
      limbs[used++] = carry - q * LIMB;
      carry = q;
    }
  }
  const digits = new Uint8Array(zeros + used * 5);
  let at = digits.length;
  for (let k = 0; k < used; k++) {
    let limb = limbs[k]!;
    const last = k === used - 1;
    for (let d = 0; d < 5 && (!last || limb > 0); d++) {
      const q = Math.floor(limb / 58);
      digits[--at] = CODES[limb - q * 58]!;
      limb = q;
    }
  }
  for (let z = 0; z < zeros; z++) digits[--at] = 0x31; // '1'
  return String.fromCharCode.apply(null, digits.subarray(at) as unknown as number[]);
}

export function decodeBase58(field: string, text: string): Uint8Array {
  if (typeof text !== "string") throw new InvalidInputError(field, "must be a base58 string");
  let zeros = 0;
  while (zeros < text.length && text[zeros] === "1") zeros++;
  const size = (((text.length - zeros) * 733) / 1000 + 1) | 0;
  const bytes = new Uint8Array(size);
  let length = 0;
  for (let i = zeros; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? INDEX[code]! : -1;
    if (value < 0) throw new InvalidInputError(field, "not base58");
    let carry = value;
    let j = 0;
    for (let k = size - 1; (carry !== 0 || j < length) && k >= 0; k--, j++) {
      carry += 58 * bytes[k]!;
      bytes[k] = carry & 0xff;
      carry >>= 8;
    }
    length = j;
  }
  let start = size - length;
  while (start < size && bytes[start] === 0) start++;
  const out = new Uint8Array(zeros + size - start);
  out.set(bytes.subarray(start), zeros);
  return out;
}

/** A 32-byte public key or address. */
export function keyBytes(field: string, text: string): Uint8Array {
  const bytes = decodeBase58(field, text);
  if (bytes.length !== 32) throw new InvalidInputError(field, "not a base58 public key (32 bytes)");
  return bytes;
}

/** A 64-byte Ed25519 signature. */
export function signatureBytes(field: string, text: string): Uint8Array {
  const bytes = decodeBase58(field, text);
  if (bytes.length !== 64) throw new InvalidInputError(field, "not 64 bytes");
  return bytes;
}
