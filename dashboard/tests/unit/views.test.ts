import { describe, expect, it } from "vitest";
import { staleRoots } from "@/api/live";
import type { Delivery } from "@/api/types";
import { group } from "@/components/webhooks/group";
import { bodyOf, draftOf, REASON_FIELD } from "@/components/policy/fields";
import { fieldErrorsOf } from "@/components/policy/errors";
import { ApiError } from "@/api/error";
import { bucketStarts, MAX_SERIES, toRows } from "@/lib/series";

describe("live events", () => {
  it("make the queries they affect stale", () => {
    expect(staleRoots("escalation.created")).toContain("escalations");
    expect(staleRoots("transfer.settled")).toEqual(expect.arrayContaining(["transfers", "transfer", "overview"]));
    expect(staleRoots("something.new")).toEqual(["overview"]);
  });
});

describe("policy form", () => {
  const draft = { maxSingleTransfer: "5", maxDailySpend: "50.5", escalationThreshold: "", allowedCounterparties: "a\n b ", categories: "data, inference", requireMemo: true };

  it("builds the API's body in base units", () => {
    expect(bodyOf(draft)).toEqual({
      body: { maxSingleTransfer: 5_000_000, maxDailySpend: 50_500_000, escalationThreshold: null, allowedCounterparties: ["a", "b"], categories: ["data", "inference"], requireMemo: true },
    });
  });

  it("refuses amounts at their fields", () => {
    expect(bodyOf({ ...draft, maxSingleTransfer: "1.1234567", escalationThreshold: "x" })).toEqual({
      errors: { maxSingleTransfer: expect.stringMatching(/6 decimal places/), escalationThreshold: expect.stringMatching(/not an amount/) },
    });
  });

  it("round-trips a policy", () => {
    const policy = { maxSingleTransfer: 1, maxDailySpend: 2_000_000, escalationThreshold: 1_500_000, allowedCounterparties: [], categories: ["x"], requireMemo: false };
    expect(bodyOf(draftOf(policy))).toEqual({ body: policy });
  });

  it("puts each invalid_policy reason at a field", () => {
    for (const reason of ["single_above_daily", "zero_daily_limit", "zero_single_limit", "too_many_counterparties", "duplicate_counterparty", "invalid_counterparty", "too_many_categories", "invalid_category", "duplicate_category", "zero_escalation_threshold", "amount_out_of_range"]) {
      expect(REASON_FIELD[reason], reason).toBeDefined();
    }
    const error = new ApiError(400, "invalid_policy", "max single transfer is above the daily limit", { reason: "single_above_daily" });
    expect(fieldErrorsOf(error)).toEqual({ fields: { maxSingleTransfer: "max single transfer is above the daily limit (single_above_daily)" }, rest: null });
    const other = new ApiError(503, "chain_unavailable", "down");
    expect(fieldErrorsOf(other)).toEqual({ fields: {}, rest: other });
  });
});

describe("spend rows", () => {
  it("stacks series per bucket, largest first, and sums the tail", () => {
    const series = Array.from({ length: MAX_SERIES + 2 }, (_, i) => ({ key: `k${i}`, points: [{ start: "2026-12-03T10:00:00Z", amount: 100 - i }] }));
    const { columns, rows } = toRows(series, (k) => k.toUpperCase());
    expect(columns).toHaveLength(MAX_SERIES);
    expect(columns[0]).toEqual({ dataKey: "s0", name: "K0" });
    expect(columns.at(-1)).toEqual({ dataKey: "others", name: "3 others" });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.others).toBe(93 + 92 + 91);
  });

  it("has a row for every bucket of the period, empty ones at zero", () => {
    const from = Date.parse("2026-12-03T10:30:00Z");
    const starts = bucketStarts(from, from + 3 * 3_600_000, 3_600_000);
    expect(starts.map((t) => new Date(t).toISOString())).toEqual([
      "2026-12-03T10:00:00.000Z", "2026-12-03T11:00:00.000Z", "2026-12-03T12:00:00.000Z", "2026-12-03T13:00:00.000Z",
    ]);
    const { rows } = toRows([{ key: "a", points: [{ start: "2026-12-03T12:00:00Z", amount: 5 }] }], (k) => k, starts);
    expect(rows.map((r) => r.s0)).toEqual([0, 0, 5, 0]);
  });

  it("keeps series with the same label apart", () => {
    const { columns } = toRows([{ key: "a", points: [] }, { key: "b", points: [] }], () => "same");
    expect(columns.map((c) => c.dataKey)).toEqual(["s0", "s1"]);
  });
});

describe("webhook deliveries", () => {
  it("groups attempts by event", () => {
    const d = (deliveryId: number, eventId: number, attempt: number) => ({ deliveryId, eventId, attempt, eventType: "t", status: "delivered", attemptedAt: "" }) as Delivery;
    expect(group([d(3, 2, 2), d(2, 1, 1), d(1, 2, 1)]).map((e) => [e.eventId, e.attempts.map((a) => a.deliveryId)])).toEqual([
      [2, [1, 3]],
      [1, [2]],
    ]);
  });
});
