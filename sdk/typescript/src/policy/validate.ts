// Policy validation, as crates/mpppal-policy's Policy::validate (same order, same codes).
import type { Policy, PolicyErrorCode } from "./types.js";

export const MAX_COUNTERPARTIES = 16;
export const MAX_CATEGORIES = 8;
export const MAX_CATEGORY_LEN = 32;

const CATEGORY = /^[a-z0-9_-]{1,32}$/;

function hasDuplicates<T>(items: T[]): boolean {
  return new Set(items).size !== items.length;
}

/** The first rule `policy` breaks, or null when it is valid and fits the on-chain account. */
export function validatePolicy(policy: Policy): PolicyErrorCode | null {
  if (policy.maxDailySpend === 0n) return "zero_daily_limit";
  if (policy.maxSingleTransfer === 0n) return "zero_single_limit";
  if (policy.maxSingleTransfer > policy.maxDailySpend) return "single_above_daily";
  if (policy.allowedCounterparties.length > MAX_COUNTERPARTIES) return "too_many_counterparties";
  if (hasDuplicates(policy.allowedCounterparties)) return "duplicate_counterparty";
  if (policy.categories.length > MAX_CATEGORIES) return "too_many_categories";
  if (!policy.categories.every((c) => CATEGORY.test(c))) return "invalid_category";
  if (hasDuplicates(policy.categories)) return "duplicate_category";
  if (policy.escalationThreshold === 0n) return "zero_escalation_threshold";
  return null;
}
