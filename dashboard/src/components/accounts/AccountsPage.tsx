"use client";

import Link from "@/components/Link";
import { useState } from "react";
import { api, unwrap } from "@/api/client";
import { useBalance } from "@/api/hooks/accounts";
import { usePaged } from "@/api/hooks/paged";
import { Address } from "@/components/Address";
import { LoadMore } from "@/components/LoadMore";
import { Money } from "@/components/Money";
import { QueryState } from "@/components/QueryState";
import { Status } from "@/components/Status";
import { TableWrap } from "@/components/TableWrap";

export function AccountsPage() {
  const [status, setStatus] = useState<"" | "active" | "paused">("");
  const accounts = usePaged(["accounts", "list", status], (cursor) =>
    unwrap(api.GET("/v1/accounts", { params: { query: { status: status || undefined, cursor } } })),
  );
  return (
    <>
      <h1>Accounts</h1>
      <div className="filters">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="paused">Paused</option>
          </select>
        </label>
        <Link href="/accounts/new/" className="button-link">
          New account
        </Link>
      </div>
      <QueryState isPending={accounts.isPending} error={accounts.error} isEmpty={accounts.items.length === 0} empty="No accounts match.">
        <TableWrap label="Accounts">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Handle</th>
                <th scope="col">Status</th>
                <th scope="col">Custody</th>
                <th scope="col" className="num">On-chain balance</th>
                <th scope="col">Deposit address</th>
              </tr>
            </thead>
            <tbody>
              {accounts.items.map((a) => (
                <tr key={a.accountId}>
                  <td>
                    <Link href={`/accounts/detail/?id=${a.accountId}`}>{a.name}</Link>
                  </td>
                  <td>{a.handle ?? "—"}</td>
                  <td>
                    <Status value={a.status} />
                  </td>
                  <td>{a.custody.replace("_", "-")}</td>
                  <td className="num">
                    <BalanceCell accountId={a.accountId} />
                  </td>
                  <td>
                    <Address value={a.usdcTokenAccount} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        <LoadMore query={accounts} />
      </QueryState>
    </>
  );
}

function BalanceCell({ accountId }: { accountId: string }) {
  const balance = useBalance(accountId);
  if (balance.error) return <span className="field-error">unavailable</span>;
  if (!balance.data) return <span className="loading">…</span>;
  return <Money value={balance.data.usdc} />;
}
