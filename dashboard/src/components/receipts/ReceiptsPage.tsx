"use client";

import { useState } from "react";
import { api, unwrap } from "@/api/client";
import { useAccountNames } from "@/api/hooks/accounts";
import { usePaged } from "@/api/hooks/paged";
import { AccountSelect } from "@/components/AccountSelect";
import { Address } from "@/components/Address";
import { LoadMore } from "@/components/LoadMore";
import { Money } from "@/components/Money";
import { QueryState } from "@/components/QueryState";
import { Status } from "@/components/Status";
import { StatusSelect } from "@/components/StatusSelect";
import { Time } from "@/components/Time";
import { TxLink } from "@/components/TxLink";
import { TableWrap } from "@/components/TableWrap";

const STATUSES = ["accepted", "settling", "settled", "rejected", "expired"] as const;

/** Deferred receipts, with the batch transaction that settled them or why they were rejected. */
export function ReceiptsPage() {
  const [accountId, setAccountId] = useState("");
  const [status, setStatus] = useState<(typeof STATUSES)[number] | "">("");
  const names = useAccountNames();
  const receipts = usePaged(["receipts", accountId, status], (cursor) =>
    unwrap(api.GET("/v1/receipts", { params: { query: { accountId: accountId || undefined, status: status || undefined, cursor } } })),
  );
  return (
    <>
      <h1>Receipts</h1>
      <div className="filters">
        <AccountSelect value={accountId} onChange={setAccountId} />
        <StatusSelect value={status} options={STATUSES} onChange={setStatus} />
      </div>
      <QueryState isPending={receipts.isPending} error={receipts.error} isEmpty={receipts.items.length === 0} empty="No receipts match.">
        <TableWrap label="Receipts">
          <table>
            <thead>
              <tr>
                <th scope="col">Challenge</th>
                <th scope="col">Account</th>
                <th scope="col">Recipient</th>
                <th scope="col" className="num">Amount</th>
                <th scope="col">Status</th>
                <th scope="col">Batch</th>
                <th scope="col">Rejection reason</th>
                <th scope="col">Received</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {receipts.items.map((r) => (
                <tr key={`${r.accountId}/${r.challengeId}`}>
                  <td><Address value={r.challengeId} /></td>
                  <td>{names.get(r.accountId) ?? r.accountId}</td>
                  <td><Address value={r.recipient} /></td>
                  <td className="num"><Money value={r.amount} /></td>
                  <td><Status value={r.status} /></td>
                  <td>
                    <TxLink signature={r.settlementTxSignature} />
                    {r.batchId != null && <div className="hint">batch {r.batchId}</div>}
                    {r.settledAt && <div className="hint"><Time value={r.settledAt} /></div>}
                  </td>
                  <td>{r.rejectionReason ?? "—"}</td>
                  <td><Time value={r.receivedAt} /></td>
                  <td><Time value={r.expiresAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        <LoadMore query={receipts} />
      </QueryState>
    </>
  );
}
