"use client";

import { ApiError } from "@/api/error";
import { Confirm } from "@/components/Confirm";
import { ErrorNote } from "@/components/QueryState";
import { formatUsdc } from "@/lib/money";
import { useDecide } from "./useDecide";

/** What to do when the API refuses an approval to the person who asked for the transfer. */
export const OWN_TRANSFER_HINT =
  "You asked for this payment yourself, so you cannot approve it: another person of this operator, or a program with an API key that holds the approve scope, must. You can still deny it.";

/** Approve and deny buttons for a pending escalation, each confirmed, with a note. */
export function Decide({ id, amount }: { id: string; amount: number }) {
  const decide = useDecide();
  // The API has no creator field: the refusal is how the inbox learns the transfer is one's own.
  const own = decide.error instanceof ApiError && decide.error.code === "own_transfer";
  return (
    <div>
      <div className="actions">
        <Confirm
          label="Approve"
          withNote
          disabled={decide.isPending || own}
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
      {own ? (
        <p className="error decide-refused" role="alert" data-testid="own-transfer">
          <span>
            <strong>Refused:</strong> {(decide.error as ApiError).detail}
          </span>
          <span>{OWN_TRANSFER_HINT}</span>
        </p>
      ) : (
        <ErrorNote error={decide.error} />
      )}
    </div>
  );
}
