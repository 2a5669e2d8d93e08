"use client";

import { Confirm } from "@/components/Confirm";
import { ErrorNote } from "@/components/QueryState";
import { formatUsdc } from "@/lib/money";
import { useDecide } from "./useDecide";

/** Approve and deny buttons for a pending escalation, each confirmed, with a note. */
export function Decide({ id, amount }: { id: string; amount: number }) {
  const decide = useDecide();
  return (
    <div>
      <div className="actions">
        <Confirm
          label="Approve"
          withNote
          disabled={decide.isPending}
          question={`Approve paying ${formatUsdc(amount)}? The owner key co-signs it on chain.`}
          onConfirm={(note) => decide.mutate({ id, approve: true, note })}
        />
        <Confirm
          label="Deny"
          danger
          withNote
          disabled={decide.isPending}
          question={`Deny this payment of ${formatUsdc(amount)}? Its hold on the daily budget is released.`}
          onConfirm={(note) => decide.mutate({ id, approve: false, note })}
        />
      </div>
      <ErrorNote error={decide.error} />
    </div>
  );
}
