"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "@/components/Link";
import { useSearchParams } from "next/navigation";
import { api, unwrap } from "@/api/client";
import { useAccountNames } from "@/api/hooks/accounts";
import { usePollInterval } from "@/api/live";
import { Address } from "@/components/Address";
import { Money } from "@/components/Money";
import { QueryState } from "@/components/QueryState";
import { Status } from "@/components/Status";
import { Time } from "@/components/Time";
import { TxLink } from "@/components/TxLink";
import { EscalationFacts } from "@/components/escalations/EscalationFacts";

export function TransferDetailPage() {
  const id = useSearchParams().get("id") ?? "";
  const names = useAccountNames();
  const refetchInterval = usePollInterval();
  const transfer = useQuery({
    queryKey: ["transfer", id],
    queryFn: () => unwrap(api.GET("/v1/transfers/{transfer_id}", { params: { path: { transfer_id: id } } })),
    enabled: id !== "",
    refetchInterval,
  });
  if (!id) return <p className="error">No transfer named: open one from the list.</p>;
  const t = transfer.data;
  return (
    <>
      <p>
        <Link href="/transfers/">← Transfers</Link>
      </p>
      <h1>Transfer</h1>
      <QueryState isPending={transfer.isPending} error={transfer.error}>
        {t && (
          <>
            <section className="panel" aria-label="Transfer">
              <dl className="facts">
                <dt>Id</dt>
                <dd><code>{t.transferId}</code></dd>
                <dt>Status</dt>
                <dd data-testid="transfer-status"><Status value={t.status} /></dd>
                <dt>Amount</dt>
                <dd><Money value={t.amount} /></dd>
                <dt>From</dt>
                <dd><Link href={`/accounts/detail/?id=${t.accountId}`}>{names.get(t.accountId) ?? t.accountId}</Link></dd>
                <dt>To</dt>
                <dd><Address value={t.to} copy /></dd>
                <dt>Memo</dt>
                <dd>{t.memo ?? "—"}</dd>
                <dt>Category</dt>
                <dd>{t.category ?? "—"}</dd>
                <dt>Transaction</dt>
                <dd data-testid="transfer-signature"><TxLink signature={t.txSignature} /></dd>
                <dt>Owner co-signed</dt>
                <dd>{t.ownerCosigned ? "yes" : "no"}</dd>
                {t.rejectionReason && (<><dt>Rejected because</dt><dd>{t.rejectionReason}</dd></>)}
                {t.failureReason && (<><dt>Failed because</dt><dd>{t.failureReason}</dd></>)}
                <dt>Created</dt>
                <dd><Time value={t.createdAt} /></dd>
                <dt>Settled</dt>
                <dd><Time value={t.settledAt} /></dd>
              </dl>
            </section>
            {t.escalationId && <EscalationFacts id={t.escalationId} />}
          </>
        )}
      </QueryState>
    </>
  );
}
