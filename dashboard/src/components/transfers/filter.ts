import { api, unwrap } from "@/api/client";
import type { Transfer } from "@/api/types";
import { toCsv } from "@/lib/csv";
import { usdcDecimal } from "@/lib/money";
import { dayBoundary } from "@/lib/time";

export const STATUSES = ["pending_approval", "pending", "settled", "rejected", "failed"] as const;
export type TransferStatus = (typeof STATUSES)[number];

export interface TransferFilter {
  accountId: string;
  status: TransferStatus | "";
  /** Local dates (YYYY-MM-DD) from the date inputs, inclusive. */
  fromDay: string;
  toDay: string;
}

export const NO_FILTER: TransferFilter = { accountId: "", status: "", fromDay: "", toDay: "" };

export function queryOf(filter: TransferFilter, cursor?: string, limit?: number) {
  return {
    accountId: filter.accountId || undefined,
    status: filter.status || undefined,
    from: dayBoundary(filter.fromDay),
    to: dayBoundary(filter.toDay, true),
    cursor,
    limit,
  };
}

export function fetchPage(filter: TransferFilter, cursor?: string, limit?: number) {
  return unwrap(api.GET("/v1/transfers", { params: { query: queryOf(filter, cursor, limit) } }));
}

/** Every page of the filter, one after another. */
export async function fetchAll(filter: TransferFilter, onProgress?: (count: number) => void): Promise<Transfer[]> {
  const all: Transfer[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(filter, cursor, 100);
    all.push(...page.items);
    onProgress?.(all.length);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

export const CSV_HEADER = [
  "transferId", "accountId", "to", "amountBaseUnits", "amountUsdc", "status", "memo", "category",
  "rejectionReason", "failureReason", "txSignature", "ownerCosigned", "escalationId", "createdAt", "settledAt",
];

export function transfersCsv(transfers: Transfer[]): string {
  return toCsv(
    CSV_HEADER,
    transfers.map((t) => [
      t.transferId, t.accountId, t.to, t.amount, usdcDecimal(t.amount), t.status, t.memo, t.category,
      t.rejectionReason, t.failureReason, t.txSignature, t.ownerCosigned, t.escalationId, t.createdAt, t.settledAt,
    ]),
  );
}
