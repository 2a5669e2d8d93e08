"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "@/components/Link";
import { useSearchParams } from "next/navigation";
import { api, unwrap } from "@/api/client";
import { useBalance } from "@/api/hooks/accounts";
import { Address } from "@/components/Address";
import { Confirm } from "@/components/Confirm";
import { CopyButton } from "@/components/CopyButton";
import { Meter } from "@/components/Meter";
import { Money } from "@/components/Money";
import { ErrorNote, QueryState } from "@/components/QueryState";
import { Status } from "@/components/Status";
import { Time } from "@/components/Time";
import { PolicyEditor } from "./PolicyEditor";
import { PolicySummary } from "./PolicySummary";
import { PolicyVersions } from "./PolicyVersions";

export function AccountDetailPage() {
  const id = useSearchParams().get("id") ?? "";
  const client = useQueryClient();
  const account = useQuery({
    queryKey: ["account", id],
    queryFn: () => unwrap(api.GET("/v1/accounts/{account_id}", { params: { path: { account_id: id } } })),
    enabled: id !== "",
  });
  const balance = useBalance(id);
  const pause = useMutation({
    mutationFn: (paused: boolean) =>
      unwrap(
        paused
          ? api.POST("/v1/accounts/{account_id}/pause", { params: { path: { account_id: id } } })
          : api.POST("/v1/accounts/{account_id}/unpause", { params: { path: { account_id: id } } }),
      ),
    onSettled: () => {
      for (const root of ["account", "accounts", "policy", "balance", "overview"]) void client.invalidateQueries({ queryKey: [root] });
    },
  });
  if (!id) return <p className="error">No account named: open one from the list.</p>;
  const a = account.data;
  return (
    <>
      <p>
        <Link href="/accounts/">← Accounts</Link>
      </p>
      <QueryState isPending={account.isPending} error={account.error}>
        {a && (
          <>
            <h1>{a.name}</h1>
            <section className="panel" aria-labelledby="facts-heading">
              <h2 id="facts-heading">Account</h2>
              <dl className="facts">
                <dt>Id</dt>
                <dd><code>{a.accountId}</code></dd>
                <dt>Status</dt>
                <dd data-testid="account-status"><Status value={a.status} /></dd>
                <dt>Handle</dt>
                <dd>{a.handle ?? "—"}</dd>
                <dt>Custody</dt>
                <dd>{a.custody.replace("_", "-")}</dd>
                <dt>Deposit address (USDC)</dt>
                <dd className="address">
                  <code data-testid="deposit-address">{a.usdcTokenAccount}</code>
                  <CopyButton text={a.usdcTokenAccount} label="Copy address" />
                </dd>
                <dt>Wallet</dt>
                <dd><Address value={a.solanaAddress} copy /></dd>
                <dt>Agent key</dt>
                <dd><Address value={a.agentAddress} copy /></dd>
                <dt>Created</dt>
                <dd><Time value={a.createdAt} /></dd>
                <dt>On-chain balance</dt>
                <dd>{balance.data ? <Money value={balance.data.usdc} /> : balance.error ? <ErrorNote error={balance.error} /> : "…"}</dd>
                <dt>Spent today</dt>
                <dd>
                  {balance.data && a.policy ? (
                    <Meter label="Spent today against the daily cap" value={balance.data.spentToday} max={a.policy.maxDailySpend} />
                  ) : (
                    "…"
                  )}
                </dd>
              </dl>
              <div className="actions">
                {a.status === "paused" ? (
                  <Confirm label="Unpause" question={`Let ${a.name} pay again?`} disabled={pause.isPending} onConfirm={() => pause.mutate(false)} />
                ) : (
                  <Confirm label="Pause" danger question={`Stop every payment from ${a.name}, on chain, until it is unpaused?`} disabled={pause.isPending} onConfirm={() => pause.mutate(true)} />
                )}
                {pause.isPending && <span role="status">Writing to the chain…</span>}
              </div>
              <ErrorNote error={pause.error} />
            </section>
            {a.policy && <PolicySummary policy={a.policy} />}
            {a.policy && <PolicyEditor accountId={a.accountId} policy={a.policy} />}
            <PolicyVersions accountId={a.accountId} />
          </>
        )}
      </QueryState>
    </>
  );
}
