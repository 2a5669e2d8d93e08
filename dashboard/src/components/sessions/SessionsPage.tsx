"use client";

import { useState } from "react";
import Link from "@/components/Link";
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

const STATUSES = ["open", "settled"] as const;

/** Payment sessions: the deposit, the latest voucher (running total), what settlement paid. */
export function SessionsPage() {
  const [accountId, setAccountId] = useState("");
  const [status, setStatus] = useState<(typeof STATUSES)[number] | "">("");
  const names = useAccountNames();
  const sessions = usePaged(["sessions", accountId, status], (cursor) =>
    unwrap(api.GET("/v1/sessions", { params: { query: { accountId: accountId || undefined, status: status || undefined, cursor } } })),
  );
  return (
    <>
      <h1>Sessions</h1>
      <div className="filters">
        <AccountSelect value={accountId} onChange={setAccountId} />
        <StatusSelect value={status} options={STATUSES} onChange={setStatus} />
      </div>
      <QueryState isPending={sessions.isPending} error={sessions.error} isEmpty={sessions.items.length === 0} empty="No sessions match.">
        <TableWrap label="Sessions">
          <table>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Account</th>
                <th scope="col">Provider</th>
                <th scope="col" className="num">Deposit</th>
                <th scope="col" className="num">Latest voucher</th>
                <th scope="col" className="num">Paid</th>
                <th scope="col">Status</th>
                <th scope="col">Settlement</th>
                <th scope="col">Opened</th>
              </tr>
            </thead>
            <tbody>
              {sessions.items.map((s) => (
                <tr key={s.sessionId}>
                  <td><Link href={`/sessions/detail/?id=${s.sessionId}`}><code>{s.sessionId}</code></Link><div className="hint">channel <Address value={s.channel} /></div></td>
                  <td>{names.get(s.accountId) ?? s.accountId}</td>
                  <td>{s.providerEndpoint}<div className="hint">payee <Address value={s.payee} /></div></td>
                  <td className="num"><Money value={s.cap} /></td>
                  <td className="num"><Money value={s.runningTotal} /></td>
                  <td className="num"><Money value={s.paid} /></td>
                  <td><Status value={s.status} /></td>
                  <td><TxLink signature={s.settlementTxSignature} />{s.settledAt && <div className="hint"><Time value={s.settledAt} /></div>}</td>
                  <td><Time value={s.openedAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        <LoadMore query={sessions} />
      </QueryState>
    </>
  );
}
