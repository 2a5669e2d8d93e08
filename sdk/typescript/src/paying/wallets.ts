// Constructors for the three kinds of paying wallet, checking their input at once.
import { InvalidInputError } from "../errors.js";
import type { MppPal } from "../operator/client.js";
import { keyBytes } from "../solana/base58.js";
import { Ed25519Key } from "../solana/keys.js";
import type { CustodialWallet, KeypairWallet, PolicyWallet } from "./options.js";

type Secret = Ed25519Key | Uint8Array | number[] | string;
const asKey = (s: Secret) => (s instanceof Ed25519Key ? s : Ed25519Key.from(s));

/** An MPPPal wallet (its PDA, the account's `solanaAddress`) and the agent key that signs for it. */
export function policyWallet(o: { agentSecretKey: Secret; wallet: string }): PolicyWallet {
  keyBytes("wallet", o.wallet);
  return { kind: "policy", agent: asKey(o.agentSecretKey), wallet: o.wallet };
}

/** A plain keypair paying from its own associated token account. */
export function keypairWallet(secretKey: Secret): KeypairWallet {
  return { kind: "keypair", keypair: asKey(secretKey) };
}

/** A custodial account (`acct_…`) the operator API signs for; `api` needs the `agent` scope. */
export function custodialWallet(o: { api: MppPal; accountId: string; mint: string }): CustodialWallet {
  if (typeof o.accountId !== "string" || !o.accountId.startsWith("acct_")) throw new InvalidInputError("accountId", "must be an account id (acct_…)");
  keyBytes("mint", o.mint);
  return { kind: "custodial", api: o.api, accountId: o.accountId, mint: o.mint };
}
