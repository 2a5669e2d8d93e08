"use client";

import { api, unwrap } from "@/api/client";
import { usePaged } from "@/api/hooks/paged";
import { Address } from "@/components/Address";
import { LoadMore } from "@/components/LoadMore";
import { QueryState } from "@/components/QueryState";
import { Time } from "@/components/Time";
import { VerifyChain } from "./VerifyChain";
import { TableWrap } from "@/components/TableWrap";

/** A row's details: short ones as they are, long ones folded. */
function Details({ value }: { value: unknown }) {
  const text = JSON.stringify(value);
  if (text.length <= 80) return <code className="details">{text}</code>;
  return (
    <details>
      <summary>
        <code>{text.slice(0, 60)}…</code>
      </summary>
      <code className="details">{JSON.stringify(value, null, 2)}</code>
    </details>
  );
}

export function AuditPage() {
  const rows = usePaged(["audit"], async (cursor) => {
    const page = await unwrap(api.GET("/v1/audit", { params: { query: { before: cursor === undefined ? undefined : Number(cursor) } } }));
    return { items: page.items, nextCursor: page.nextBefore === null || page.nextBefore === undefined ? null : String(page.nextBefore) };
  });
  return (
    <>
      <h1>Audit log</h1>
      <VerifyChain />
      <QueryState isPending={rows.isPending} error={rows.error} isEmpty={rows.items.length === 0} empty="No audit rows.">
        <TableWrap label="Audit rows">
          <table data-testid="audit">
            <thead>
              <tr>
                <th scope="col" className="num">Seq</th>
                <th scope="col">At</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Subject</th>
                <th scope="col">Details</th>
                <th scope="col">Hash</th>
              </tr>
            </thead>
            <tbody>
              {rows.items.map((r) => (
                <tr key={r.seq}>
                  <td className="num">{r.seq}</td>
                  <td><Time value={r.at} /></td>
                  <td>{r.actor}</td>
                  <td>{r.action}</td>
                  <td><code>{r.subject}</code></td>
                  <td><Details value={r.details} /></td>
                  <td><Address value={r.hash} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        <LoadMore query={rows} />
      </QueryState>
    </>
  );
}
