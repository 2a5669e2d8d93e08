"use client";

import Link from "@/components/Link";
import { api, unwrap } from "@/api/client";
import { useAccountNames } from "@/api/hooks/accounts";
import { usePaged } from "@/api/hooks/paged";
import type { Escalation } from "@/api/types";
import { LoadMore } from "@/components/LoadMore";
import { Money } from "@/components/Money";
import { QueryState } from "@/components/QueryState";
import { Status } from "@/components/Status";
import { Time } from "@/components/Time";
import { Countdown } from "./Countdown";
import { Decide } from "./Decide";
import { TableWrap } from "@/components/TableWrap";

function useEscalations(status: "pending" | undefined) {
  return usePaged(["escalations", status ?? "all"], (cursor) =>
    unwrap(api.GET("/v1/escalations", { params: { query: { status, cursor } } })),
  );
}

/** The inbox: pending escalations first (soonest to expire on top), then decided ones. */
export function EscalationsPage() {
  const pending = useEscalations("pending");
  const all = useEscalations(undefined);
  const names = useAccountNames();
  const open = [...pending.items].sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  const decided = all.items.filter((e) => e.status !== "pending");
  return (
    <>
      <h1>Escalations</h1>
      <section aria-labelledby="pending-heading">
        <h2 id="pending-heading">Waiting for a decision ({pending.isPending ? "…" : open.length}{pending.hasNextPage ? "+" : ""})</h2>
        <QueryState isPending={pending.isPending} error={pending.error} isEmpty={open.length === 0} empty="Nothing waits for a decision.">
          <TableWrap label="Pending escalations">
            <Table items={open} names={names} pending />
          </TableWrap>
          <LoadMore query={pending} />
        </QueryState>
      </section>
      <section aria-labelledby="decided-heading">
        <h2 id="decided-heading">Decided</h2>
        <QueryState isPending={all.isPending} error={all.error} isEmpty={decided.length === 0} empty="No decided escalations yet.">
          <TableWrap label="Decided escalations">
            <Table items={decided} names={names} />
          </TableWrap>
          <LoadMore query={all} />
        </QueryState>
      </section>
    </>
  );
}

function Table({ items, names, pending }: { items: Escalation[]; names: Map<string, string>; pending?: boolean }) {
  return (
    <table data-testid={pending ? "pending-escalations" : "decided-escalations"}>
      <thead>
        <tr>
          <th scope="col">Transfer</th>
          <th scope="col">Account</th>
          <th scope="col" className="num">Amount</th>
          <th scope="col" className="num">Threshold</th>
          <th scope="col">{pending ? "Expires" : "Status"}</th>
          <th scope="col">{pending ? "Decision" : "Decided"}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.escalationId} className={pending ? "pending-first" : undefined} data-escalation={e.escalationId}>
            <td><Link href={`/transfers/detail/?id=${e.transferId}`}><code>{e.transferId}</code></Link></td>
            <td>{names.get(e.accountId) ?? e.accountId}</td>
            <td className="num"><Money value={e.amount} /></td>
            <td className="num"><Money value={e.threshold} /></td>
            <td>{pending ? <Countdown until={e.expiresAt} /> : <Status value={e.status} />}</td>
            <td>
              {pending ? (
                <Decide id={e.escalationId} amount={e.amount} />
              ) : (
                <>
                  {e.decidedBy ?? "—"}, <Time value={e.decidedAt} />
                  {e.note && <div className="hint">“{e.note}”</div>}
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
