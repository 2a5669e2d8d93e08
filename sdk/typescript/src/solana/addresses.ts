// Program-derived addresses of MPPPal accounts (docs/programs.md, "Accounts").
import { address, getAddressEncoder, getProgramDerivedAddress, type Address } from "@solana/kit";
import { findAssociatedTokenPda } from "@solana-program/token";
import { InvalidInputError } from "../errors.js";
import { u64 } from "../amounts.js";
import { keyBytes } from "./base58.js";
import { POLICY_PROGRAM_ID, SETTLEMENT_PROGRAM_ID, TOKEN_PROGRAM_ID } from "./programs.js";

const text = new TextEncoder();
const addressBytes = getAddressEncoder();

function key(field: string, value: string): Address {
  keyBytes(field, value);
  return address(value);
}

/** The wallet PDA for a wallet key. */
export async function walletAddress(walletKey: string): Promise<string> {
  const [pda] = await getProgramDerivedAddress({
    programAddress: address(POLICY_PROGRAM_ID),
    seeds: [text.encode("wallet"), addressBytes.encode(key("walletKey", walletKey))],
  });
  return pda;
}

/** Any owner's associated token account for `mint` (SPL Token). */
export async function tokenAccountAddress(owner: string, mint: string): Promise<string> {
  const [ata] = await findAssociatedTokenPda({
    owner: key("owner", owner),
    mint: key("mint", mint),
    tokenProgram: address(TOKEN_PROGRAM_ID),
  });
  return ata;
}

/** The wallet's vault: the wallet PDA's associated token account. */
export function vaultAddress(wallet: string, mint: string): Promise<string> {
  return tokenAccountAddress(wallet, mint);
}

function u64le(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value, true);
  return out;
}

/** The session PDA, which is also the channel id vouchers sign. */
export async function sessionAddress(wallet: string, sessionId: bigint | string): Promise<string> {
  const [pda] = await getProgramDerivedAddress({
    programAddress: address(SETTLEMENT_PROGRAM_ID),
    seeds: [text.encode("session"), addressBytes.encode(key("wallet", wallet)), u64le(u64("sessionId", sessionId))],
  });
  return pda;
}

/** The token account holding a session's deposit. */
export async function escrowAddress(session: string): Promise<string> {
  const [pda] = await getProgramDerivedAddress({
    programAddress: address(SETTLEMENT_PROGRAM_ID),
    seeds: [text.encode("escrow"), addressBytes.encode(key("session", session))],
  });
  return pda;
}

/** The record that marks a receipt settled. */
export async function receiptRecordAddress(wallet: string, challengeHash: Uint8Array): Promise<string> {
  if (challengeHash.length !== 32) throw new InvalidInputError("challengeHash", "must be 32 bytes");
  const [pda] = await getProgramDerivedAddress({
    programAddress: address(SETTLEMENT_PROGRAM_ID),
    seeds: [text.encode("receipt"), addressBytes.encode(key("wallet", wallet)), challengeHash],
  });
  return pda;
}
