// The spending policy of an agent wallet, as crates/mpppal-policy defines it. Keys are base58.

export interface Policy {
  maxSingleTransfer: bigint;
  maxDailySpend: bigint;
  /** Recipients (owner keys) the wallet may pay; empty means any. */
  allowedCounterparties: string[];
  /** Categories the wallet may pay for; empty means any (and none is needed). */
  categories: string[];
  requireMemo: boolean;
  /** Payments above this need the owner's co-signature; null never escalates. */
  escalationThreshold: bigint | null;
  paused: boolean;
}

/** What has been spent in the UTC day `day` (days since 1970-01-01). */
export interface SpendState {
  day: number;
  spent: bigint;
}

export interface Payment {
  amount: bigint;
  /** The party that ends up with the money: the recipient's owner key (base58). */
  counterparty: string;
  category: string | null;
  memo: string | null;
  ownerCosigned: boolean;
}

export type Verdict =
  | { decision: "allow" }
  | { decision: "escalate"; reason: "above_threshold"; threshold: bigint }
  | { decision: "deny"; code: DenyCode; limit?: bigint; remaining?: bigint };

export type DenyCode =
  | "wallet_paused"
  | "zero_amount"
  | "over_single_transfer_limit"
  | "over_daily_limit"
  | "counterparty_not_allowed"
  | "category_not_allowed"
  | "memo_required"
  | "memo_too_long";

export type PolicyErrorCode =
  | "zero_daily_limit"
  | "zero_single_limit"
  | "single_above_daily"
  | "too_many_counterparties"
  | "duplicate_counterparty"
  | "too_many_categories"
  | "invalid_category"
  | "duplicate_category"
  | "zero_escalation_threshold";
