"use client";

import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { usePollInterval } from "@/api/live";
import { QueryState } from "@/components/QueryState";
import { Time } from "@/components/Time";
import { TableWrap } from "@/components/TableWrap";

/** What the reconciler still sees differ between the ledger and the chain. */
export function ReconciliationPage() {
  const refetchInterval = usePollInterval();
  const differences = useQuery({ queryKey: ["reconciliation"], queryFn: () => unwrap(api.GET("/v1/reconciliation")), refetchInterval });
  const list = differences.data ?? [];
  return (
    <>
      <h1>Reconciliation</h1>
      <p className="hint">Open differences between the ledger and the chain (at most 500, most recent first).</p>
      <QueryState isPending={differences.isPending} error={differences.error} isEmpty={list.length === 0} empty="No open differences: the ledger and the chain agree.">
        <TableWrap label="Open differences">
          <table>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Subject</th>
                <th scope="col">Detail</th>
                <th scope="col">First seen</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr key={`${d.kind}/${d.subject}`}>
                  <td>{d.kind.replace(/_/g, " ")}</td>
                  <td><code>{d.subject}</code></td>
                  <td>{d.detail}</td>
                  <td><Time value={d.firstSeen} /></td>
                  <td><Time value={d.lastSeen} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </QueryState>
    </>
  );
}
