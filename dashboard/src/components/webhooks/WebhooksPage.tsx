"use client";

import Link from "@/components/Link";
import { QueryState } from "@/components/QueryState";
import { Status } from "@/components/Status";
import { Time } from "@/components/Time";
import { NewWebhook } from "./NewWebhook";
import { useWebhooks } from "./useWebhooks";
import { TableWrap } from "@/components/TableWrap";

export function WebhooksPage() {
  const webhooks = useWebhooks();
  const list = webhooks.data ?? [];
  return (
    <>
      <h1>Webhooks</h1>
      <QueryState isPending={webhooks.isPending} error={webhooks.error} isEmpty={list.length === 0} empty="No endpoints yet.">
        <TableWrap label="Webhook endpoints">
          <table data-testid="webhooks">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {list.map((w) => (
                <tr key={w.endpointId}>
                  <td><Link href={`/webhooks/detail/?id=${w.endpointId}`}>{w.url}</Link></td>
                  <td>{w.events.length ? w.events.join(", ") : "all"}</td>
                  <td><Status value={w.status} />{w.disabledReason && <div className="hint">{w.disabledReason}</div>}</td>
                  <td><Time value={w.createdAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </QueryState>
      <NewWebhook />
    </>
  );
}
