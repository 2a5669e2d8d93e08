// Settlement Program instructions for sessions, built by hand from docs/programs.md.
import { BorshWriter, discriminator, meta, optionalSigner, type Instruction } from "./instruction.js";
import { escrowAddress, sessionAddress, tokenAccountAddress, vaultAddress } from "./addresses.js";
import {
  POLICY_PROGRAM_ID,
  SETTLEMENT_AUTHORITY,
  SETTLEMENT_PROGRAM_ID,
  SYSTEM_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
} from "./programs.js";

export interface SessionParties {
  agent: string;
  ownerCosigner: string | null;
  wallet: string;
  mint: string;
  payee: string;
  /** Pays the session and escrow rent (the provider's fee payer) and gets it back at close. */
  rentPayer: string;
  sessionId: bigint;
}

export interface OpenSession extends SessionParties {
  deposit: bigint;
  expiresAt: number | bigint;
  memo: string | null;
  category: string | null;
}

export interface TopUpSession extends SessionParties {
  amount: bigint;
  memo: string | null;
  category: string | null;
}

const OPEN = discriminator("open_session");
const TOP_UP = discriminator("top_up_session");

export async function openSession(s: OpenSession): Promise<Instruction> {
  const session = await sessionAddress(s.wallet, s.sessionId);
  return {
    programId: SETTLEMENT_PROGRAM_ID,
    accounts: [
      meta.signer(s.rentPayer, true),
      meta.signer(s.agent),
      optionalSigner(s.ownerCosigner, SETTLEMENT_PROGRAM_ID),
      meta.writable(s.wallet),
      meta.writable(await vaultAddress(s.wallet, s.mint)),
      meta.readonly(s.mint),
      meta.readonly(s.payee),
      meta.readonly(await tokenAccountAddress(s.payee, s.mint)),
      meta.writable(session),
      meta.writable(await escrowAddress(session)),
      meta.readonly(SETTLEMENT_AUTHORITY),
      meta.readonly(POLICY_PROGRAM_ID),
      meta.readonly(TOKEN_PROGRAM_ID),
      meta.readonly(SYSTEM_PROGRAM_ID),
    ],
    data: new BorshWriter()
      .bytes(OPEN)
      .u64("sessionId", s.sessionId)
      .u64("deposit", s.deposit)
      .i64(s.expiresAt)
      .optionString(s.memo)
      .optionString(s.category)
      .finish(),
  };
}

export async function topUpSession(s: TopUpSession): Promise<Instruction> {
  const session = await sessionAddress(s.wallet, s.sessionId);
  return {
    programId: SETTLEMENT_PROGRAM_ID,
    accounts: [
      meta.signer(s.agent),
      optionalSigner(s.ownerCosigner, SETTLEMENT_PROGRAM_ID),
      meta.writable(s.wallet),
      meta.writable(await vaultAddress(s.wallet, s.mint)),
      meta.readonly(s.mint),
      meta.writable(session),
      meta.writable(await escrowAddress(session)),
      meta.readonly(SETTLEMENT_AUTHORITY),
      meta.readonly(POLICY_PROGRAM_ID),
      meta.readonly(TOKEN_PROGRAM_ID),
    ],
    data: new BorshWriter()
      .bytes(TOP_UP)
      .u64("amount", s.amount)
      .optionString(s.memo)
      .optionString(s.category)
      .finish(),
  };
}
