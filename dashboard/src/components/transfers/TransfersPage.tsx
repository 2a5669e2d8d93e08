"use client";

import Link from "@/components/Link";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { useAccountNames, useAllAccounts } from "@/api/hooks/accounts";
import { usePaged } from "@/api/hooks/paged";
import { Address } from "@/components/Address";
import { LoadMore } from "@/components/LoadMore";
import { Money } from "@/components/Money";
import { QueryState } from "@/components/QueryState";
import { Status } from "@/components/Status";
import { Time } from "@/components/Time";
import { ExportCsv } from "./ExportCsv";
import { fetchPage, NO_FILTER, STATUSES, type TransferFilter } from "./filter";
import { TableWrap } from "@/components/TableWrap";

export function TransfersPage() {
  const params = useSearchParams();
  const [filter, setFilter] = useState<TransferFilter>({ ...NO_FILTER, accountId: params.get("accountId") ?? "" });
  const accounts = useAllAccounts();
  const names = useAccountNames();
  const transfers = usePaged(["transfers", filter], (cursor) => fetchPage(filter, cursor));
  const set = (change: Partial<TransferFilter>) => setFilter({ ...filter, ...change });
  return (
    <>
      <h1>Transfers</h1>
      <div className="filters">
        <label>
          Account
          <select value={filter.accountId} onChange={(e) => set({ accountId: e.target.value })}>
            <option value="">All accounts</option>
            {(accounts.data ?? []).map((a) => (
              <option key={a.accountId} value={a.accountId}>{a.name}</option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={filter.status} onChange={(e) => set({ status: e.target.value as TransferFilter["status"] })}>
            <option value="">Any</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s.replace("_", " ")}</option>)}
          </select>
        </label>
        <label>
          From
          <input type="date" value={filter.fromDay} onChange={(e) => set({ fromDay: e.target.value })} />
        </label>
        <label>
          To
          <input type="date" value={filter.toDay} onChange={(e) => set({ toDay: e.target.value })} />
        </label>
        <ExportCsv filter={filter} />
      </div>
      <QueryState isPending={transfers.isPending} error={transfers.error} isEmpty={transfers.items.length === 0} empty="No transfers match.">
        <TableWrap label="Transfers">
          <table data-testid="transfers">
            <thead>
              <tr>
                <th scope="col">Transfer</th>
                <th scope="col">Account</th>
                <th scope="col">To</th>
                <th scope="col" className="num">Amount</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {transfers.items.map((t) => (
                <tr key={t.transferId}>
                  <td><Link href={`/transfers/detail/?id=${t.transferId}`}><code>{t.transferId}</code></Link></td>
                  <td>{names.get(t.accountId) ?? t.accountId}</td>
                  <td><Address value={t.to} /></td>
                  <td className="num"><Money value={t.amount} /></td>
                  <td><Status value={t.status} /></td>
                  <td><Time value={t.createdAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        <LoadMore query={transfers} />
      </QueryState>
    </>
  );
}
