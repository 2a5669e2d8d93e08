"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "@/components/Link";
import { api, unwrap } from "@/api/client";
import { usePollInterval } from "@/api/live";
import { Meter } from "@/components/Meter";
import { Money } from "@/components/Money";
import { QueryState } from "@/components/QueryState";
import { Status } from "@/components/Status";
import { SpendPanel } from "./SpendPanel";
import { WorkerHealth } from "./WorkerHealth";
import { TableWrap } from "@/components/TableWrap";

const STATES = [
  ["settled", "Settled"],
  ["pending", "Pending settlement"],
  ["pendingApproval", "Awaiting approval"],
  ["failed", "Failed"],
  ["rejected", "Rejected"],
] as const;

export function OverviewPage() {
  const refetchInterval = usePollInterval();
  const overview = useQuery({
    queryKey: ["overview"],
    queryFn: () => unwrap(api.GET("/v1/overview")),
    refetchInterval,
  });
  const data = overview.data;
  return (
    <>
      <h1>Overview</h1>
      <QueryState isPending={overview.isPending} error={overview.error}>
        {data && (
          <>
            <h2>Transfers today ({data.day} UTC)</h2>
            <div className="grid" data-testid="transfer-totals">
              {STATES.map(([key, label]) => (
                <div className="card" key={key}>
                  <div className="label">{label}</div>
                  <div className="value">{data.transfers[key].count}</div>
                  <div className="sub">
                    <Money value={data.transfers[key].amount} />
                  </div>
                </div>
              ))}
              <div className="card">
                <div className="label">Open escalations</div>
                <div className="value" data-testid="escalations-pending">{data.escalationsPending}</div>
                <div className="sub">
                  <Link href="/escalations/">Go to the inbox</Link>
                </div>
              </div>
            </div>

            <h2>Spent today against each daily cap</h2>
            {data.accounts.length === 0 ? (
              <p className="empty">
                No accounts yet. <Link href="/accounts/new/">Create one</Link>.
              </p>
            ) : (
              <TableWrap label="Spent today by account">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Account</th>
                      <th scope="col">Status</th>
                      <th scope="col">Spent today</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.accounts.map((a) => (
                      <tr key={a.accountId}>
                        <td>
                          <Link href={`/accounts/detail/?id=${a.accountId}`}>{a.name}</Link>
                          {a.handle && <div className="hint">{a.handle}</div>}
                        </td>
                        <td>
                          <Status value={a.status} />
                        </td>
                        <td>
                          {a.maxDailySpend === null || a.maxDailySpend === undefined ? (
                            <Money value={a.spentToday} />
                          ) : (
                            <Meter label={`${a.name}: spent today`} value={a.spentToday} max={a.maxDailySpend} />
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
            <WorkerHealth worker={data.worker} />
            {/* After the figures: the chart's code loads once they are on screen. */}
            <SpendPanel names={new Map(data.accounts.map((a) => [a.accountId, a.name]))} />
          </>
        )}
      </QueryState>
    </>
  );
}
