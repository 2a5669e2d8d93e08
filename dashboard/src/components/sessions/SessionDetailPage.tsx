"use client";

import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { api, unwrap } from "@/api/client";
import { useAccountNames } from "@/api/hooks/accounts";
import { usePollInterval } from "@/api/live";
import { Address } from "@/components/Address";
import Link from "@/components/Link";
import { Meter } from "@/components/Meter";
import { Money } from "@/components/Money";
import { QueryState } from "@/components/QueryState";
import { Status } from "@/components/Status";
import { Time } from "@/components/Time";
import { TxLink } from "@/components/TxLink";

/** One payment session: the deposit, how much of it the latest voucher takes, its settlement. */
export function SessionDetailPage() {
  const id = useSearchParams().get("id") ?? "";
  const names = useAccountNames();
  const refetchInterval = usePollInterval();
  const session = useQuery({
    queryKey: ["sessions", "one", id],
    queryFn: () => unwrap(api.GET("/v1/sessions/{session_id}", { params: { path: { session_id: id } } })),
    enabled: id !== "",
    refetchInterval,
  });
  if (!id) return <p className="error">No session named: open one from the list.</p>;
  const s = session.data;
  return (
    <>
      <p>
        <Link href="/sessions/">← Sessions</Link>
      </p>
      <h1>Session</h1>
      <QueryState isPending={session.isPending} error={session.error}>
        {s && (
          <section className="panel" aria-label="Session">
            <dl className="facts">
              <dt>Id</dt>
              <dd><code>{s.sessionId}</code></dd>
              <dt>Status</dt>
              <dd><Status value={s.status} /></dd>
              <dt>Account</dt>
              <dd><Link href={`/accounts/detail/?id=${s.accountId}`}>{names.get(s.accountId) ?? s.accountId}</Link></dd>
              <dt>Provider</dt>
              <dd>{s.providerEndpoint}</dd>
              <dt>Channel (on chain)</dt>
              <dd><Address value={s.channel} copy /></dd>
              <dt>Voucher signer</dt>
              <dd><Address value={s.signer} copy /></dd>
              <dt>Payee</dt>
              <dd><Address value={s.payee} copy /></dd>
              <dt>Deposit</dt>
              <dd><Money value={s.cap} /></dd>
              <dt>Latest voucher</dt>
              <dd>
                <Meter label="Latest voucher against the deposit" value={s.runningTotal} max={s.cap} />
                {s.lastVoucherAt && (
                  <div className="hint">
                    reported by the agent <Time value={s.lastVoucherAt} />
                  </div>
                )}
              </dd>
              <dt>Paid at settlement</dt>
              <dd><Money value={s.paid} /></dd>
              <dt>Settlement transaction</dt>
              <dd><TxLink signature={s.settlementTxSignature} /></dd>
              <dt>Opened</dt>
              <dd><Time value={s.openedAt} /></dd>
              <dt>Settled</dt>
              <dd><Time value={s.settledAt} /></dd>
            </dl>
          </section>
        )}
      </QueryState>
    </>
  );
}
