"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "@/components/Link";
import { useSearchParams } from "next/navigation";
import { api, unwrap } from "@/api/client";
import { Confirm } from "@/components/Confirm";
import { ErrorNote, QueryState } from "@/components/QueryState";
import { SecretOnce } from "@/components/SecretOnce";
import { Status } from "@/components/Status";
import { Time } from "@/components/Time";
import { Deliveries } from "./Deliveries";
import { useWebhooks } from "./useWebhooks";

export function WebhookDetailPage() {
  const id = useSearchParams().get("id") ?? "";
  const client = useQueryClient();
  const webhooks = useWebhooks();
  const path = { params: { path: { endpoint_id: id } } };
  const refresh = () => void client.invalidateQueries({ queryKey: ["webhooks"] });
  const disable = useMutation({ mutationFn: () => unwrap(api.DELETE("/v1/webhooks/{endpoint_id}", path)), onSettled: refresh });
  const enable = useMutation({ mutationFn: () => unwrap(api.POST("/v1/webhooks/{endpoint_id}/enable", path)), onSettled: refresh });
  const rotate = useMutation({ mutationFn: () => unwrap(api.POST("/v1/webhooks/{endpoint_id}/rotate-secret", path)) });
  if (!id) return <p className="error">No endpoint named: open one from the list.</p>;
  const w = webhooks.data?.find((x) => x.endpointId === id);
  return (
    <>
      <p>
        <Link href="/webhooks/">← Webhooks</Link>
      </p>
      <h1>Webhook endpoint</h1>
      <QueryState isPending={webhooks.isPending} error={webhooks.error} isEmpty={!w} empty="No such endpoint.">
        {w && (
          <section className="panel" aria-label="Endpoint">
            <dl className="facts">
              <dt>URL</dt>
              <dd>{w.url}</dd>
              <dt>Id</dt>
              <dd><code>{w.endpointId}</code></dd>
              <dt>Events</dt>
              <dd>{w.events.length ? w.events.join(", ") : "all"}</dd>
              <dt>Status</dt>
              <dd data-testid="webhook-status"><Status value={w.status} />{w.disabledReason && <> · {w.disabledReason}</>}</dd>
              <dt>Created</dt>
              <dd><Time value={w.createdAt} /></dd>
            </dl>
            <div className="actions">
              {w.status === "disabled" ? (
                <button type="button" onClick={() => enable.mutate()} disabled={enable.isPending}>Enable</button>
              ) : (
                <Confirm label="Disable" danger question="Stop sending events to this endpoint?" onConfirm={() => disable.mutate()} />
              )}
              <Confirm
                label="Rotate secret"
                question="Make a new signing secret? For 24 hours messages carry signatures under both the new and the previous one."
                onConfirm={() => rotate.mutate()}
              />
            </div>
            <ErrorNote error={disable.error ?? enable.error ?? rotate.error} />
            {rotate.data && <SecretOnce title="New signing secret" secret={rotate.data.secret} />}
          </section>
        )}
      </QueryState>
      <Deliveries endpointId={id} />
    </>
  );
}
