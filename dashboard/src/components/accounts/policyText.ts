import type { Policy, PolicyBody } from "@/api/types";
import { formatUsdc } from "@/lib/money";

/** A policy's rules as labelled text, for summaries and diffs. */
export function policyText(p: PolicyBody & { paused?: boolean }): Record<string, string> {
  return {
    "Largest single payment": formatUsdc(p.maxSingleTransfer),
    "Daily cap": formatUsdc(p.maxDailySpend),
    "Escalation threshold": p.escalationThreshold === null || p.escalationThreshold === undefined ? "never" : formatUsdc(p.escalationThreshold),
    "Allowed recipients": p.allowedCounterparties?.length ? p.allowedCounterparties.join(", ") : "any",
    "Allowed categories": p.categories?.length ? p.categories.join(", ") : "any",
    "Memo required": p.requireMemo ? "yes" : "no",
    Paused: p.paused ? "yes" : "no",
  };
}

export type { Policy };
