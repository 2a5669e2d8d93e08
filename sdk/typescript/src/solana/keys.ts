// Ed25519 keys with node:crypto: the agent's key signs vouchers and receipts directly (fast),
// and the same seed makes the @solana/kit key pair that signs transactions.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { InvalidInputError } from "../errors.js";
import { decodeBase58, encodeBase58 } from "./base58.js";

const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** An Ed25519 key: its 32-byte seed, public key and base58 address. */
export class Ed25519Key {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly address: string;
  readonly privateKey: KeyObject;

  private constructor(seed: Uint8Array) {
    this.seed = seed;
    this.privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
    const spki = createPublicKey(this.privateKey).export({ format: "der", type: "spki" });
    this.publicKey = new Uint8Array(spki.subarray(spki.length - 32));
    this.address = encodeBase58(this.publicKey);
  }

  /**
   * From a 32-byte seed, or a 64-byte Solana secret key (seed ‖ public key, as `solana-keygen`
   * writes it), as bytes, a JSON array, hex or base58.
   */
  static from(secret: Uint8Array | number[] | string): Ed25519Key {
    let bytes: Uint8Array;
    if (typeof secret === "string") {
      bytes = /^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{128}$/.test(secret)
        ? new Uint8Array(Buffer.from(secret, "hex"))
        : decodeBase58("secretKey", secret);
    } else {
      bytes = Uint8Array.from(secret);
    }
    if (bytes.length !== 32 && bytes.length !== 64) {
      throw new InvalidInputError("secretKey", "must be a 32-byte seed or a 64-byte Solana secret key");
    }
    const key = new Ed25519Key(bytes.slice(0, 32));
    if (bytes.length === 64 && encodeBase58(bytes.subarray(32)) !== key.address) {
      throw new InvalidInputError("secretKey", "the public half does not match the seed");
    }
    return key;
  }

  static generate(): Ed25519Key {
    return new Ed25519Key(new Uint8Array(globalThis.crypto.getRandomValues(new Uint8Array(32))));
  }

  sign(message: Uint8Array): Uint8Array {
    return sign(null, message, this.privateKey);
  }

  /** The 64-byte Solana secret key (seed ‖ public key). */
  secretKey(): Uint8Array {
    const out = new Uint8Array(64);
    out.set(this.seed);
    out.set(this.publicKey, 32);
    return out;
  }
}

/** Checks an Ed25519 signature by `signer` (base58) over `message`. */
export function verifySignature(signer: string, message: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, decodeBase58("signer", signer)]),
    format: "der",
    type: "spki",
  });
  return verify(null, message, key, signature);
}
