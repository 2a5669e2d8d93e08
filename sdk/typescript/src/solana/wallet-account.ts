// Reading an MPPPal wallet account (the Policy Program's `Wallet`, Borsh after Anchor's
// 8-byte discriminator) and its vault balance from the chain.
import { ChainError } from "../errors.js";
import type { Policy, SpendState } from "../policy/types.js";
import { encodeBase58 } from "./base58.js";

export interface WalletAccount {
  walletKey: string;
  owner: string;
  agent: string;
  mint: string;
  vault: string;
  policy: Policy;
  policyVersion: number;
  spend: SpendState;
  nonce: bigint;
}

/** Decodes the account data of a wallet PDA. */
export function decodeWallet(data: Uint8Array): WalletAccount {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 8;
  const need = (n: number) => {
    if (at + n > data.length) throw new ChainError("the account is not an MPPPal wallet (too short)");
  };
  const key = () => {
    need(32);
    const k = encodeBase58(data.subarray(at, at + 32));
    at += 32;
    return k;
  };
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(at, true);
    at += 8;
    return v;
  };
  const i64 = () => {
    need(8);
    const v = view.getBigInt64(at, true);
    at += 8;
    return v;
  };
  const u32 = () => {
    need(4);
    const v = view.getUint32(at, true);
    at += 4;
    return v;
  };
  const u8 = () => {
    need(1);
    return data[at++]!;
  };
  const walletKey = key();
  const owner = key();
  const agent = key();
  const mint = key();
  const vault = key();
  const maxSingleTransfer = u64();
  const maxDailySpend = u64();
  const allowedCounterparties = Array.from({ length: u32() }, key);
  const categories = Array.from({ length: u32() }, () => {
    const len = u32();
    need(len);
    const s = new TextDecoder().decode(data.subarray(at, at + len));
    at += len;
    return s;
  });
  const requireMemo = u8() === 1;
  const escalationThreshold = u8() === 1 ? u64() : null;
  const paused = u8() === 1;
  const policyVersion = u32();
  const day = Number(i64());
  const spent = u64();
  const nonce = u64();
  return {
    walletKey,
    owner,
    agent,
    mint,
    vault,
    policy: { maxSingleTransfer, maxDailySpend, allowedCounterparties, categories, requireMemo, escalationThreshold, paused },
    policyVersion,
    spend: { day, spent },
    nonce,
  };
}
