// Policy Program instructions built by hand from docs/programs.md (checked byte for byte against
// the Rust builders by the shared vectors).
import { BorshWriter, discriminator, meta, optionalSigner, type Instruction } from "./instruction.js";
import { vaultAddress } from "./addresses.js";
import { POLICY_PROGRAM_ID, TOKEN_PROGRAM_ID } from "./programs.js";

export interface PolicyTransfer {
  agent: string;
  /** The owner, co-signing above the escalation threshold. */
  ownerCosigner: string | null;
  wallet: string;
  mint: string;
  /** The recipient's token account. */
  destination: string;
  amount: bigint;
  /** The wallet's nonce this payment expects. */
  nonce: bigint;
  memo: string | null;
  category: string | null;
}

const TRANSFER = discriminator("transfer");

/** The agent pays `destination` directly through the Policy Program. */
export async function policyTransfer(t: PolicyTransfer): Promise<Instruction> {
  return {
    programId: POLICY_PROGRAM_ID,
    accounts: [
      meta.signer(t.agent),
      optionalSigner(t.ownerCosigner, POLICY_PROGRAM_ID),
      meta.writable(t.wallet),
      meta.writable(await vaultAddress(t.wallet, t.mint)),
      meta.readonly(t.mint),
      meta.writable(t.destination),
      meta.readonly(TOKEN_PROGRAM_ID),
    ],
    data: new BorshWriter()
      .bytes(TRANSFER)
      .u64("amount", t.amount)
      .u64("nonce", t.nonce)
      .optionString(t.memo)
      .optionString(t.category)
      .finish(),
  };
}
