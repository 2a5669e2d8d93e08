"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { usePaged } from "@/api/hooks/paged";
import { LoadMore } from "@/components/LoadMore";
import { ErrorNote, QueryState } from "@/components/QueryState";
import { Status } from "@/components/Status";
import { Time } from "@/components/Time";
import { group } from "./group";
import { TableWrap } from "@/components/TableWrap";

export function Deliveries({ endpointId }: { endpointId: string }) {
  const client = useQueryClient();
  const deliveries = usePaged(["deliveries", endpointId], (cursor) =>
    unwrap(api.GET("/v1/webhooks/{endpoint_id}/deliveries", { params: { path: { endpoint_id: endpointId }, query: { cursor } } })),
  );
  const resend = useMutation({
    mutationFn: (eventId: number) =>
      unwrap(api.POST("/v1/webhooks/{endpoint_id}/resend", { params: { path: { endpoint_id: endpointId } }, body: { eventId } })),
    onSuccess: () => setTimeout(() => void client.invalidateQueries({ queryKey: ["deliveries", endpointId] }), 1500),
  });
  const events = group(deliveries.items);
  return (
    <section aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">Deliveries</h2>
      <ErrorNote error={resend.error} />
      {resend.isSuccess && <p className="success" role="status">Event {resend.variables} queued to be sent again.</p>}
      <QueryState isPending={deliveries.isPending} error={deliveries.error} isEmpty={events.length === 0} empty="Nothing delivered yet.">
        <TableWrap label="Deliveries">
          <table data-testid="deliveries">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Attempts</th>
                <th scope="col">Resend</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.eventId} data-event={e.eventId}>
                  <td><code>evt_{e.eventId}</code><div className="hint">{e.eventType}</div></td>
                  <td>
                    <ol className="attempts">
                      {e.attempts.map((a) => (
                        <li key={a.deliveryId}>
                          #{a.attempt} <Status value={a.status} /> {a.responseStatus ? `HTTP ${a.responseStatus}` : ""}{" "}
                          <Time value={a.attemptedAt} />
                          {a.error && <div className="hint">{a.error}</div>}
                          {a.nextAttemptAt && <div className="hint">next try <Time value={a.nextAttemptAt} /></div>}
                        </li>
                      ))}
                    </ol>
                  </td>
                  <td>
                    <button type="button" className="small" disabled={resend.isPending} onClick={() => resend.mutate(e.eventId)}>
                      Resend
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        <LoadMore query={deliveries} />
      </QueryState>
    </section>
  );
}
