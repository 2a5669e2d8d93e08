// What every payer shares: the options, the chain, the reporter and how requests are sent.
import { ChallengeRejectedError, PaymentRefusedError } from "../errors.js";
import { describeVerdict, evaluate } from "../policy/evaluate.js";
import type { WalletSnapshot } from "../solana/chain.js";
import type { Chain } from "../solana/chain.js";
import { credentialHeader, formatCredential, type PaymentChallenge } from "../protocol/challenge.js";
import type { ApiReporter } from "./reporter.js";
import type { Send } from "./request.js";
import type { PayingFetchOptions } from "./options.js";

export interface PayerContext {
  options: PayingFetchOptions;
  chain: Chain | undefined;
  reporter: ApiReporter | undefined;
  send: Send;
  settlementProgram: string;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The wallet's own policy, as the chain will apply it, before anything is signed. */
export function checkPolicy(ctx: PayerContext, snapshot: WalletSnapshot, amount: bigint, counterparty: string): void {
  const verdict = evaluate(
    snapshot.wallet.policy,
    snapshot.wallet.spend,
    { amount, counterparty, category: ctx.options.category ?? null, memo: null, ownerCosigned: false },
    nowSeconds(),
  );
  if (verdict.decision === "escalate") throw new PaymentRefusedError("escalation_required", describeVerdict(verdict));
  if (verdict.decision === "deny") throw new PaymentRefusedError(verdict.code, describeVerdict(verdict));
}

export function checkBalance(balance: bigint, needed: bigint): void {
  if (balance < needed) throw new PaymentRefusedError("insufficient_balance", `the wallet holds ${balance} base units, ${needed} needed`);
}

/** The header carrying `payload` for `challenge`, as a record to merge into a request. */
export function credential(challenge: PaymentChallenge, payload: unknown): Record<string, string> {
  return { [credentialHeader(challenge)]: formatCredential(challenge, payload) };
}

export function noPayable(reasons: string[]): ChallengeRejectedError {
  return new ChallengeRejectedError("no_payable_challenge", reasons.length ? reasons.join("; ") : "the 402 carried no Payment challenge");
}
