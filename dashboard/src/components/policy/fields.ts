// The policy form's fields, how they become the API's body, and where the API's
// `invalid_policy` reasons belong.

import type { PolicyBody } from "@/api/types";
import { parseUsdc, usdcInput } from "@/lib/money";

export type FieldName =
  | "maxSingleTransfer"
  | "maxDailySpend"
  | "escalationThreshold"
  | "allowedCounterparties"
  | "categories"
  | "requireMemo";

export interface PolicyDraft {
  maxSingleTransfer: string;
  maxDailySpend: string;
  escalationThreshold: string;
  allowedCounterparties: string;
  categories: string;
  requireMemo: boolean;
}

export const EMPTY_DRAFT: PolicyDraft = {
  maxSingleTransfer: "",
  maxDailySpend: "",
  escalationThreshold: "",
  allowedCounterparties: "",
  categories: "",
  requireMemo: false,
};

/** The field each `invalid_policy` reason is about. */
export const REASON_FIELD: Record<string, FieldName> = {
  single_above_daily: "maxSingleTransfer",
  zero_single_limit: "maxSingleTransfer",
  zero_daily_limit: "maxDailySpend",
  zero_escalation_threshold: "escalationThreshold",
  too_many_counterparties: "allowedCounterparties",
  duplicate_counterparty: "allowedCounterparties",
  invalid_counterparty: "allowedCounterparties",
  too_many_categories: "categories",
  invalid_category: "categories",
  duplicate_category: "categories",
  amount_out_of_range: "maxSingleTransfer",
};

export function draftOf(policy: PolicyBody): PolicyDraft {
  return {
    maxSingleTransfer: usdcInput(policy.maxSingleTransfer),
    maxDailySpend: usdcInput(policy.maxDailySpend),
    escalationThreshold:
      policy.escalationThreshold === null || policy.escalationThreshold === undefined
        ? ""
        : usdcInput(policy.escalationThreshold),
    allowedCounterparties: (policy.allowedCounterparties ?? []).join("\n"),
    categories: (policy.categories ?? []).join(", "),
    requireMemo: policy.requireMemo ?? false,
  };
}

function list(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The body, or the fields the dashboard itself can tell are wrong. */
export function bodyOf(draft: PolicyDraft): { body: PolicyBody } | { errors: Partial<Record<FieldName, string>> } {
  const errors: Partial<Record<FieldName, string>> = {};
  const single = parseUsdc(draft.maxSingleTransfer);
  const daily = parseUsdc(draft.maxDailySpend);
  const threshold = draft.escalationThreshold.trim() === "" ? null : parseUsdc(draft.escalationThreshold);
  if (!single.ok) errors.maxSingleTransfer = single.error;
  if (!daily.ok) errors.maxDailySpend = daily.error;
  if (threshold && !threshold.ok) errors.escalationThreshold = threshold.error;
  if (!single.ok || !daily.ok || (threshold && !threshold.ok)) return { errors };
  return {
    body: {
      maxSingleTransfer: single.baseUnits,
      maxDailySpend: daily.baseUnits,
      escalationThreshold: threshold && threshold.ok ? threshold.baseUnits : null,
      allowedCounterparties: list(draft.allowedCounterparties),
      categories: list(draft.categories),
      requireMemo: draft.requireMemo,
    },
  };
}
