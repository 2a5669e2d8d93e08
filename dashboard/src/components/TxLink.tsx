"use client";

import { useOperator } from "@/api/hooks/operator";
import { explorerTxUrl } from "@/lib/explorer";

/** A transaction signature, linked to the explorer of the server's cluster. */
export function TxLink({ signature }: { signature: string | null | undefined }) {
  const operator = useOperator();
  if (!signature) return <span>—</span>;
  const cluster = operator.data?.cluster;
  return (
    <span className="address">
      <a href={explorerTxUrl(signature, cluster)} target="_blank" rel="noreferrer" title={signature} data-testid="tx-link">
        <code>{signature.length > 16 ? `${signature.slice(0, 8)}…${signature.slice(-8)}` : signature}</code>
      </a>
    </span>
  );
}
