// The one policy decision, rule for rule and in the same order as crates/mpppal-policy (which
// the Policy Program runs on chain): the first rule that fails decides.
import type { DenyCode, Payment, Policy, SpendState, Verdict } from "./types.js";

export const SECONDS_PER_DAY = 86_400;
export const MAX_MEMO_LEN = 200;

/** The UTC day index that contains `unixSeconds` (floor, so pre-epoch times land right). */
export function utcDay(unixSeconds: number): number {
  return Math.floor(unixSeconds / SECONDS_PER_DAY);
}

/** Budget left under `maxDailySpend` in the day that contains `now`. */
export function remainingToday(policy: Policy, spend: SpendState, now: number): bigint {
  const spent = utcDay(now) === spend.day ? spend.spent : 0n;
  return policy.maxDailySpend > spent ? policy.maxDailySpend - spent : 0n;
}

const utf8 = new TextEncoder();

// Rust's str::trim strips Unicode White_Space, which differs from JavaScript's trim (U+0085 is
// White_Space, U+FEFF is not), so the set is spelled out.
// eslint-disable-next-line no-control-regex -- tab to carriage return are White_Space
const RUST_WHITE_SPACE = /^[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

function isBlank(text: string): boolean {
  return RUST_WHITE_SPACE.test(text);
}

/** Decides whether `payment` may leave a wallet under `policy` with `spend` at Unix time `now`. */
export function evaluate(policy: Policy, spend: SpendState, payment: Payment, now: number): Verdict {
  const denied = hardLimit(policy, spend, payment, now);
  if (denied) return denied;
  const threshold = policy.escalationThreshold;
  if (threshold !== null && payment.amount > threshold && !payment.ownerCosigned) {
    return { decision: "escalate", reason: "above_threshold", threshold };
  }
  return { decision: "allow" };
}

function deny(code: DenyCode): Verdict {
  return { decision: "deny", code };
}

function hardLimit(policy: Policy, spend: SpendState, payment: Payment, now: number): Verdict | null {
  if (policy.paused) return deny("wallet_paused");
  if (payment.amount === 0n) return deny("zero_amount");
  const memo = payment.memo;
  if (memo !== null && utf8.encode(memo).length > MAX_MEMO_LEN) return deny("memo_too_long");
  if (policy.requireMemo && (memo === null || isBlank(memo))) return deny("memo_required");
  if (policy.allowedCounterparties.length > 0 && !policy.allowedCounterparties.includes(payment.counterparty)) {
    return deny("counterparty_not_allowed");
  }
  if (policy.categories.length > 0 && (payment.category === null || !policy.categories.includes(payment.category))) {
    return deny("category_not_allowed");
  }
  if (payment.amount > policy.maxSingleTransfer) {
    return { decision: "deny", code: "over_single_transfer_limit", limit: policy.maxSingleTransfer };
  }
  const remaining = remainingToday(policy, spend, now);
  if (payment.amount > remaining) {
    return { decision: "deny", code: "over_daily_limit", limit: policy.maxDailySpend, remaining };
  }
  return null;
}

/** The words the Policy Program logs for a verdict, for error messages. */
export function describeVerdict(verdict: Verdict): string {
  if (verdict.decision === "allow") return "allowed";
  if (verdict.decision === "escalate") {
    return `the amount is above escalation_threshold (${verdict.threshold} base units) and needs the owner's co-signature`;
  }
  switch (verdict.code) {
    case "wallet_paused":
      return "the wallet is paused";
    case "zero_amount":
      return "the amount is zero";
    case "over_single_transfer_limit":
      return `the amount is above max_single_transfer (${verdict.limit} base units)`;
    case "over_daily_limit":
      return `the payment would exceed max_daily_spend (${verdict.limit} base units; ${verdict.remaining} left today)`;
    case "counterparty_not_allowed":
      return "the recipient is not an allowed counterparty";
    case "category_not_allowed":
      return "the category is missing or not allowed";
    case "memo_required":
      return "the policy requires a memo";
    case "memo_too_long":
      return "the memo is longer than 200 bytes";
  }
}
