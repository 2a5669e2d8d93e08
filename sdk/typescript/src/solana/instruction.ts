// A Solana instruction as plain data, and the Borsh/Anchor encoding our programs' arguments use.
import { createHash } from "node:crypto";
import { u64 } from "../amounts.js";

export interface AccountMeta {
  pubkey: string;
  isSigner: boolean;
  isWritable: boolean;
}

export interface Instruction {
  programId: string;
  accounts: AccountMeta[];
  data: Uint8Array;
}

export const meta = {
  signer: (pubkey: string, isWritable = false): AccountMeta => ({ pubkey, isSigner: true, isWritable }),
  writable: (pubkey: string): AccountMeta => ({ pubkey, isSigner: false, isWritable: true }),
  readonly: (pubkey: string): AccountMeta => ({ pubkey, isSigner: false, isWritable: false }),
};

/** Anchor's instruction discriminator: the first 8 bytes of sha256("global:<name>"). */
export function discriminator(name: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(`global:${name}`).digest().subarray(0, 8));
}

/** Appends Borsh values in order. */
export class BorshWriter {
  private parts: Uint8Array[] = [];

  bytes(b: Uint8Array): this {
    this.parts.push(b);
    return this;
  }

  u64(field: string, value: bigint): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, u64(field, value), true);
    return this.bytes(b);
  }

  i64(value: bigint | number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(value), true);
    return this.bytes(b);
  }

  string(value: string): this {
    const utf8 = new TextEncoder().encode(value);
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, utf8.length, true);
    return this.bytes(len).bytes(utf8);
  }

  optionString(value: string | null | undefined): this {
    if (value === null || value === undefined) return this.bytes(Uint8Array.of(0));
    return this.bytes(Uint8Array.of(1)).string(value);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/**
 * Anchor's optional account: the co-signer when present, else the program's own id as a
 * read-only placeholder (what Anchor's `to_account_metas` emits for `None`).
 */
export function optionalSigner(key: string | null | undefined, programId: string): AccountMeta {
  return key ? meta.signer(key) : meta.readonly(programId);
}
