"use client";

import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { Money } from "@/components/Money";
import { QueryState } from "@/components/QueryState";
import { Status } from "@/components/Status";
import { Time } from "@/components/Time";
import { Countdown } from "./Countdown";
import { Decide } from "./Decide";

/** One escalation, with the decision buttons while it is pending. */
export function EscalationFacts({ id }: { id: string }) {
  const escalation = useQuery({
    queryKey: ["escalation", id],
    queryFn: () => unwrap(api.GET("/v1/escalations/{escalation_id}", { params: { path: { escalation_id: id } } })),
  });
  const e = escalation.data;
  return (
    <section className="panel" aria-labelledby="escalation-heading">
      <h2 id="escalation-heading">Escalation</h2>
      <QueryState isPending={escalation.isPending} error={escalation.error}>
        {e && (
          <>
            <dl className="facts">
              <dt>Id</dt>
              <dd><code>{e.escalationId}</code></dd>
              <dt>Status</dt>
              <dd><Status value={e.status} /></dd>
              <dt>Threshold</dt>
              <dd><Money value={e.threshold} /></dd>
              <dt>Expires</dt>
              <dd><Time value={e.expiresAt} />{e.status === "pending" && <> · <Countdown until={e.expiresAt} /></>}</dd>
              <dt>Decided by</dt>
              <dd>{e.decidedBy ?? "—"}</dd>
              <dt>Decided</dt>
              <dd><Time value={e.decidedAt} /></dd>
              <dt>Note</dt>
              <dd>{e.note ?? "—"}</dd>
            </dl>
            {e.status === "pending" && <Decide id={e.escalationId} amount={e.amount} />}
          </>
        )}
      </QueryState>
    </section>
  );
}
