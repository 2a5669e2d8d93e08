"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, unwrap } from "@/api/client";
import { Field } from "@/components/Field";
import { ErrorNote } from "@/components/QueryState";
import { SecretOnce } from "@/components/SecretOnce";
import type { EventType } from "@/api/types";
import { WEBHOOK_EVENTS } from "./events";

export function NewWebhook() {
  const client = useQueryClient();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<EventType[]>([]);
  const create = useMutation({
    mutationFn: () => unwrap(api.POST("/v1/webhooks", { body: { url: url.trim(), events } })),
    onSuccess: () => {
      setUrl("");
      setEvents([]);
      void client.invalidateQueries({ queryKey: ["webhooks"] });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  const toggle = (type: EventType, on: boolean) => setEvents(on ? [...events, type] : events.filter((e) => e !== type));
  return (
    <section className="panel" aria-labelledby="new-webhook-heading">
      <h2 id="new-webhook-heading">Add an endpoint</h2>
      <form className="stack" onSubmit={submit}>
        <Field label="URL" hint="Where the worker POSTs each event, signed (Standard Webhooks).">
          {(p) => <input {...p} name="url" type="url" required value={url} placeholder="https://example.com/hooks/mpppal" onChange={(e) => setUrl(e.target.value)} />}
        </Field>
        <fieldset>
          <legend>Events (none ticked: all of them)</legend>
          <div className="grid">
            {WEBHOOK_EVENTS.map((type) => (
              <label className="check" key={type}>
                <input type="checkbox" checked={events.includes(type)} onChange={(e) => toggle(type, e.target.checked)} />
                {type}
              </label>
            ))}
          </div>
        </fieldset>
        <ErrorNote error={create.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>Add endpoint</button>
        </div>
      </form>
      {create.data?.secret && <SecretOnce title={`Signing secret of ${create.data.url}`} secret={create.data.secret} />}
    </section>
  );
}
