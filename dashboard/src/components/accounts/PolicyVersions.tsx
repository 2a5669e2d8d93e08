"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "@/api/client";
import { QueryState } from "@/components/QueryState";
import { Time } from "@/components/Time";
import { diffFields } from "@/lib/diff";
import { policyText } from "./policyText";
import { TableWrap } from "@/components/TableWrap";

/** Every version, newest first, and what changed between any two. */
export function PolicyVersions({ accountId }: { accountId: string }) {
  const versions = useQuery({
    queryKey: ["policy", accountId, "versions"],
    queryFn: () => unwrap(api.GET("/v1/accounts/{account_id}/policy/versions", { params: { path: { account_id: accountId } } })),
  });
  const list = versions.data ?? [];
  const [picked, setPicked] = useState<{ from?: number; to?: number }>({});
  const to = picked.to ?? list[0]?.version;
  const from = picked.from ?? list[1]?.version;
  const a = list.find((v) => v.version === from);
  const b = list.find((v) => v.version === to);
  const changes = a && b ? diffFields(policyText(a), policyText(b)) : [];
  return (
    <section className="panel" aria-labelledby="versions-heading">
      <h2 id="versions-heading">Version history</h2>
      <QueryState isPending={versions.isPending} error={versions.error} isEmpty={list.length === 0}>
        <TableWrap label="Policy versions">
          <table data-testid="policy-versions">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Written</th>
                <th scope="col">By</th>
                <th scope="col">Paused</th>
              </tr>
            </thead>
            <tbody>
              {list.map((v) => (
                <tr key={v.version}>
                  <td>{v.version}</td>
                  <td><Time value={v.createdAt} /></td>
                  <td>{v.changedBy}</td>
                  <td>{v.paused ? "yes" : "no"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        {list.length > 1 && (
          <>
            <h3>Compare</h3>
            <div className="toolbar">
              <label>
                From version
                <select value={from} onChange={(e) => setPicked({ from: Number(e.target.value), to })}>
                  {list.map((v) => <option key={v.version} value={v.version}>{v.version}</option>)}
                </select>
              </label>
              <label>
                To version
                <select value={to} onChange={(e) => setPicked({ from, to: Number(e.target.value) })}>
                  {list.map((v) => <option key={v.version} value={v.version}>{v.version}</option>)}
                </select>
              </label>
            </div>
            {changes.length === 0 ? (
              <p className="empty">No rule differs between these versions.</p>
            ) : (
              <TableWrap label="Differences between versions">
                <table data-testid="policy-diff">
                  <thead>
                    <tr>
                      <th scope="col">Rule</th>
                      <th scope="col">Version {from}</th>
                      <th scope="col">Version {to}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {changes.map((c) => (
                      <tr key={c.field}>
                        <td>{c.field}</td>
                        <td className="diff-before">{c.before}</td>
                        <td className="diff-after">{c.after}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </>
        )}
      </QueryState>
    </section>
  );
}
